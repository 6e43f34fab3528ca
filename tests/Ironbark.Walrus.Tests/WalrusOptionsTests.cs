using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>Walrus refuses options it cannot run with at start, before it touches the data directory, naming the option.</summary>
public sealed class WalrusOptionsTests
{
    [Theory]
    [InlineData("Url", "localhost:8779")]
    [InlineData("Url", "ftp://127.0.0.1:8779")]
    [InlineData("Domain", "s3 ironbark")]
    [InlineData("Region", "us/east")]
    [InlineData("MaxPutBytes", "0")]
    [InlineData("InlineMaxBytes", "-1")]
    [InlineData("InlineMaxBytes", "1048577")]
    [InlineData("MinPartBytes", "-1")]
    [InlineData("LifecycleInterval", "0")]
    [InlineData("LifecycleDay", "0")]
    [InlineData("InMemoryBodyTimeout", "0")]
    [InlineData("ShutdownTimeout", "-1")]
    public async Task A_bad_value_is_refused_at_start_with_the_option_named(string option, string value)
    {
        using var dir = new TempDir();
        // The accounts are never reached: validation comes before anything else.
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => WalrusServer.StartAsync(With(dir.Path, option, value), null!));
        Assert.StartsWith(option + " ", refused.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8779")]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::1]:8779")]
    [InlineData("http://*:8779")]
    [InlineData("https://localhost:8779")]
    public void Listen_addresses_kestrel_takes_are_valid(string url) =>
        new WalrusOptions { DataDir = "/var/lib/ironbark", Url = url }.Validate();

    private static WalrusOptions With(string dataDir, string option, string value) => option switch
    {
        "Url" => new() { DataDir = dataDir, Url = value },
        "Domain" => new() { DataDir = dataDir, Domain = value },
        "Region" => new() { DataDir = dataDir, Region = value },
        "MaxPutBytes" => new() { DataDir = dataDir, MaxPutBytes = long.Parse(value) },
        "InlineMaxBytes" => new() { DataDir = dataDir, InlineMaxBytes = int.Parse(value) },
        "MinPartBytes" => new() { DataDir = dataDir, MinPartBytes = long.Parse(value) },
        "LifecycleInterval" => new() { DataDir = dataDir, LifecycleInterval = Seconds(value) },
        "LifecycleDay" => new() { DataDir = dataDir, LifecycleDay = Seconds(value) },
        "InMemoryBodyTimeout" => new() { DataDir = dataDir, InMemoryBodyTimeout = Seconds(value) },
        "ShutdownTimeout" => new() { DataDir = dataDir, ShutdownTimeout = Seconds(value) },
        _ => throw new ArgumentException($"No case for {option}.", nameof(option)),
    };

    private static TimeSpan Seconds(string value) => TimeSpan.FromSeconds(int.Parse(value));
}
