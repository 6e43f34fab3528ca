using Ironbark.Cc.Domain;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>The CC refuses options it cannot run with at start, before it touches the data directory, naming the option.</summary>
public sealed class CcOptionsTests
{
    [Theory]
    [InlineData("Url", "http://127.0.0.1:8774")]
    [InlineData("Url", "https://cc.example:8774")]
    [InlineData("Cluster", "")]
    [InlineData("Cluster", "zone a")]
    [InlineData("Nodes", "http://127.0.0.1:8775")]
    [InlineData("Nodes", "127.0.0.1:8775")]
    [InlineData("PlacementPolicy", "7")]
    [InlineData("PollInterval", "0")]
    [InlineData("PollTimeout", "-1")]
    [InlineData("LaunchTimeout", "0")]
    [InlineData("NodeCallTimeout", "0")]
    public async Task A_bad_value_is_refused_at_start_with_the_option_named(string option, string value)
    {
        using var dir = new TempDir();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => CcServer.StartAsync(With(dir.Path, option, value)));
        Assert.StartsWith(option + (option == "Nodes" ? ": " : " "), refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void The_defaults_and_node_urls_by_name_are_valid() =>
        new CcOptions { DataDir = "/var/lib/ironbark", Nodes = ["https://node-1.example:8775", "https://[::1]:8775"] }.Validate();

    private static CcOptions With(string dataDir, string option, string value) => option switch
    {
        "Url" => new() { DataDir = dataDir, Url = value },
        "Cluster" => new() { DataDir = dataDir, Cluster = value },
        "Nodes" => new() { DataDir = dataDir, Nodes = ["https://127.0.0.1:8775", value] },
        "PlacementPolicy" => new() { DataDir = dataDir, PlacementPolicy = (PlacementPolicyKind)int.Parse(value) },
        "PollInterval" => new() { DataDir = dataDir, PollInterval = Seconds(value) },
        "PollTimeout" => new() { DataDir = dataDir, PollTimeout = Seconds(value) },
        "LaunchTimeout" => new() { DataDir = dataDir, LaunchTimeout = Seconds(value) },
        "NodeCallTimeout" => new() { DataDir = dataDir, NodeCallTimeout = Seconds(value) },
        _ => throw new ArgumentException($"No case for {option}.", nameof(option)),
    };

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(int.Parse(value));
}
