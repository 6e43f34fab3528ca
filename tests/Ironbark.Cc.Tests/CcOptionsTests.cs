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
    [InlineData("PublicAddresses", "203.0.113.0/33")]
    [InlineData("PublicAddresses", "203.0.113.5/24")]
    [InlineData("PublicAddresses", "203.0.113.9-203.0.113.1")]
    [InlineData("PublicAddresses", "pool")]
    [InlineData("NodeUnderlay", "https://127.0.0.1:9999=10.0.0.1")]
    [InlineData("NodeUnderlay", "https://127.0.0.1:8775=10.0.0")]
    [InlineData("DnsDomain", "")]
    [InlineData("DnsDomain", "compute internal")]
    [InlineData("DnsDomain", "-ironbark.compute.internal")]
    public async Task A_bad_value_is_refused_at_start_with_the_option_named(string option, string value)
    {
        using var dir = new TempDir();
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => CcServer.StartAsync(With(dir.Path, option, value)));
        Assert.StartsWith(option + (option is "Nodes" or "PublicAddresses" or "NodeUnderlay" ? ": " : " "), refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Fact]
    public void The_defaults_and_node_urls_by_name_are_valid() =>
        new CcOptions { DataDir = "/var/lib/ironbark", Nodes = ["https://node-1.example:8775", "https://[::1]:8775"] }.Validate();

    [Theory]
    [InlineData("203.0.113.0/24", "203.0.113.1", "203.0.113.254")]
    [InlineData("203.0.113.10-203.0.113.20", "203.0.113.10", "203.0.113.20")]
    [InlineData("203.0.113.7/32", "203.0.113.7", "203.0.113.7")]
    [InlineData("198.18.0.0/15", "198.18.0.1", "198.19.255.254")]
    public void The_public_pool_is_a_cidr_without_network_and_broadcast_or_a_range(string pool, string first, string last)
    {
        new CcOptions { DataDir = "/var/lib/ironbark", PublicAddresses = pool, Nodes = ["https://127.0.0.1:8775"],
            NodeUnderlay = new Dictionary<string, string> { ["https://127.0.0.1:8775"] = "192.168.50.2" }, DnsDomain = "zone-1.example" }.Validate();
        var parsed = PublicAddressPool.Parse(pool);
        Assert.Equal(first, parsed.FirstFree([]));
        Assert.Equal(last, parsed.FirstFree(AllBut(parsed, last)));
        Assert.Null(parsed.FirstFree(AllBut(parsed, null)));
    }

    private static IEnumerable<string> AllBut(PublicAddressPool pool, string? kept)
    {
        for (var a = (ulong)pool.First; a <= pool.Last; a++)
        {
            var text = $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}";
            if (text != kept)
                yield return text;
        }
    }

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
        "PublicAddresses" => new() { DataDir = dataDir, PublicAddresses = value },
        "NodeUnderlay" => new()
        {
            DataDir = dataDir, Nodes = ["https://127.0.0.1:8775"],
            NodeUnderlay = new Dictionary<string, string> { [value.Split('=')[0]] = value.Split('=')[1] },
        },
        "DnsDomain" => new() { DataDir = dataDir, DnsDomain = value },
        _ => throw new ArgumentException($"No case for {option}.", nameof(option)),
    };

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(int.Parse(value));
}
