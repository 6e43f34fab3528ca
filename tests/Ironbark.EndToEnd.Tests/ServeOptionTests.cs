using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>Options of `ironbark up` / `walrus` / `cc` / `nc` that take a bounded value refuse anything else before starting anything.</summary>
public sealed class ServeOptionTests
{
    [Theory]
    [InlineData("walrus", "--walrus-inline-max-bytes", "-1", "--walrus-inline-max-bytes must be between 0 and 1048576")]
    [InlineData("up", "--walrus-inline-max-bytes", "1048577", "--walrus-inline-max-bytes must be between 0 and 1048576")]
    [InlineData("up", "--placement", "FASTEST", "Unknown placement policy 'FASTEST'")]
    [InlineData("clc", "--sigv2-max-expiry-seconds", "0", "The maximum SigV2 query expiry must be more than 0")]
    [InlineData("walrus", "--accepted-region", "us/east", "'us/east' is not a region name")]
    [InlineData("up", "--network", "bridge", "Unknown --network 'bridge': use auto, vpc or user")]
    [InlineData("up", "--elastic-ip-range", "203.0.113.128/25", "The elastic IP range 203.0.113.128/25 (--elastic-ip-range) and the zone's public addresses 203.0.113.0/24 (--public-addresses) overlap")]
    [InlineData("up", "--public-addresses", "198.51.100.10-198.51.100.20", "overlap: an address would be both")]
    [InlineData("up", "--elastic-ip-range", "198.51.100.0/33", "--elastic-ip-range: '198.51.100.0/33' is neither an IPv4 CIDR")]
    [InlineData("cc", "--public-addresses", "203.0.113.50-203.0.113.10", "--public-addresses: the range '203.0.113.50-203.0.113.10' ends before it starts")]
    [InlineData("cc", "--node-underlay", "10.250.0.5", "--node-underlay takes URL=IP")]
    [InlineData("cc", "--node-underlay", "https://127.0.0.1:8775=10.250.0", "--node-underlay: '10.250.0' (node https://127.0.0.1:8775) is not an IPv4 address")]
    [InlineData("cc", "--dns-domain", "bad_domain", "--dns-domain: DnsDomain 'bad_domain' is not a DNS domain")]
    [InlineData("nc", "--network", "bridged", "Network 'bridged' is unknown: use user")]
    [InlineData("nc", "--network", "vpc", "--network vpc needs --underlay-address")]
    [InlineData("nc", "--network-namespace-prefix", "Bad_Prefix", "NetworkNamespacePrefix 'Bad_Prefix' must be 1 to 40 of a-z")]
    [InlineData("nc", "--underlay-address", "10.250.0", "--underlay-address: UnderlayAddress '10.250.0' is not this node's IPv4 address")]
    [InlineData("nc", "--uplink-interface", "an-interface-name-too-long", "--uplink-interface: UplinkInterface 'an-interface-name-too-long' must name the interface")]
    [InlineData("nc", "--underlay-namespace", "ironbark-no-such-namespace", "--underlay-namespace: UnderlayNamespace 'ironbark-no-such-namespace' starts with NetworkNamespacePrefix")]
    [InlineData("nc", "--uplink-namespace", "no-such-namespace-here", "--uplink-namespace: UplinkNamespace 'no-such-namespace-here' is no network namespace of this host")]
    [InlineData("nc", "--cloud-endpoint", "80=http://127.0.0.1:8773", "--cloud-endpoint: port 80 cannot be relayed")]
    [InlineData("nc", "--cloud-endpoint", "8773=localhost:8773", "--cloud-endpoint takes PORT=URL with an IP address")]
    public async Task A_bad_value_stops_the_command_with_a_message_naming_it(string command, string option, string value, string message)
    {
        using var dir = new TempDir();
        var (code, _, stderr) = await IronbarkBinary.RunAsync(command, "--data-dir", dir.Path, option, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, stderr);
        // Nothing was started: no state was written.
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir.Path));
    }
}
