using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Network.Vpc;
using Ironbark.Testing;

namespace Ironbark.Nc.Tests;

/// <summary>
/// Every kind of security group rule renders into a ruleset nftables loads (in a namespace of the test's own): tcp and udp
/// ranges, icmp with and without type and code, all traffic, a protocol number, source groups as sets; IPv6-only and
/// icmpv6 rules render to nothing.
/// </summary>
public sealed class VpcRulesetTests
{
    [Fact]
    public async Task Every_rule_kind_loads_into_nftables_and_groups_are_sets_not_rules_per_member()
    {
        var rules = new[]
        {
            new SecurityGroupRule { Protocol = "tcp", FromPort = 22, ToPort = 22, Cidrs = { "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16" } },
            new SecurityGroupRule { Protocol = "udp", FromPort = 1000, ToPort = 2000, SourceGroupIds = { "sg-b" } },
            new SecurityGroupRule { Protocol = "icmp", FromPort = 8, ToPort = -1, Cidrs = { "192.0.2.0/24" } },
            new SecurityGroupRule { Protocol = "icmp", FromPort = 3, ToPort = 4, Cidrs = { "192.0.2.0/24" } },
            new SecurityGroupRule { Protocol = "icmp", FromPort = -1, ToPort = -1, SourceGroupIds = { "sg-a" } },
            new SecurityGroupRule { Protocol = "-1", SourceGroupIds = { "sg-a", "sg-b" } },
            new SecurityGroupRule { Protocol = "47", Cidrs = { "198.51.100.7/32" } },
            new SecurityGroupRule { Protocol = "tcp", FromPort = 0, ToPort = 65535, Ipv6Cidrs = { "::/0" } },
            new SecurityGroupRule { Protocol = "icmpv6", FromPort = -1, ToPort = -1, Cidrs = { "0.0.0.0/0" } },
        };
        var members = Enumerable.Range(10, 20).Select(i => $"172.31.0.{i}").ToList();
        var groups = new Dictionary<string, SecurityGroupView>
        {
            ["sg-a"] = new() { GroupId = "sg-a", MemberIps = { members, "2001:db8::1" }, Ingress = { rules }, Egress = { rules } },
            ["sg-b"] = new() { GroupId = "sg-b", MemberIps = { "172.31.0.40" } },
        };
        var ports = new[]
        {
            new VpcPort("i-0123456789abcdef0", "tap0123456789ab", "02:00:00:00:00:0a", "172.31.0.10", ["sg-a"], "203.0.113.10"),
            new VpcPort("i-1123456789abcdef0", "tap1123456789ab", "02:00:00:00:00:0b", "172.31.0.11", ["sg-a", "sg-b"], null),
        };
        var ruleset = VpcRuleset.Render(ports, groups, ["172.31.0.1"]);

        // 10 IPv4 matches per VM and direction (3 CIDRs, 1 group, 2 icmp, 1 icmp group, 2 groups for all, 1 number; IPv6-only and icmpv6: none).
        Assert.Equal(2 * 10, ruleset.Split('\n').Count(l => l.TrimEnd().EndsWith(" accept", StringComparison.Ordinal) && l.Contains("ip saddr", StringComparison.Ordinal)));
        Assert.DoesNotContain("::", ruleset);
        Assert.Contains("172.31.0.29", ruleset);
        Assert.Equal(2, ruleset.Split('\n').Count(l => l.TrimStart().StartsWith("set g_", StringComparison.Ordinal)));

        var ns = $"ibt-{Environment.ProcessId}-rules";
        using var dir = new TempDir();
        var file = dir.Combine("ruleset.nft");
        await File.WriteAllTextAsync(file, ruleset);
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["netns", "add", ns])).Code);
        try
        {
            var (code, _, stderr) = await ProcessRunner.RunAsync("ip", ["netns", "exec", ns, "nft", "-f", file]);
            Assert.True(code == 0, stderr + "\n" + ruleset);
            // Applied twice: the delete-and-make-again transaction replaces the tables whole.
            Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["netns", "exec", ns, "nft", "-f", file])).Code);
        }
        finally
        {
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns]);
        }
    }
}
