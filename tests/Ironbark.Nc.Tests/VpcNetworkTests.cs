using System.Text.RegularExpressions;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Network.Vpc;
using Ironbark.Testing;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The VPC network of two nodes, with real namespaces, nftables, dnsmasq, VXLAN and QEMU guests (see
/// <see cref="VpcFixture"/>): reachability across nodes, security groups from source groups, a revoke in force at once,
/// isolation of two VPCs with the same addresses, public addresses from outside, anti-spoofing, metadata by address.
/// </summary>
[Collection(VpcCollection.Name)]
public sealed partial class VpcNetworkTests(VpcFixture vpc)
{
    [Fact]
    public async Task Guests_of_one_vpc_on_two_nodes_reach_each_other_and_a_source_group_rule_lets_one_port_and_not_another()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        var rounds = await RoundsAfterNowAsync(vpc.Client, 2);
        Assert.All(rounds, r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
        Assert.All(rounds, r => Assert.Equal("none", r["172.31.0.10:7002"]));
    }

    [Fact]
    public async Task Revoking_the_rule_cuts_new_connections_at_once_and_granting_it_again_restores_them()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));

        await vpc.ApplyAsync(clientToWeb: false, outsideToWeb: false);
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 2), r => Assert.Equal("none", r["172.31.0.10:7001"]));

        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
    }

    [Fact]
    public async Task An_older_view_is_ignored_and_answered_with_the_version_in_force()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        var stale = new NetworkView { Version = 1 };
        var inForce = (await vpc.A.Client.ApplyNetworkViewAsync(stale)).Version;
        Assert.True(inForce > 1, $"version in force {inForce}");
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
    }

    [Fact]
    public async Task A_bad_view_is_refused_and_the_view_in_force_stays()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        var inForce = (await vpc.A.Client.ApplyNetworkViewAsync(new NetworkView { Version = 1 })).Version;
        var bad = new NetworkView { Version = inForce + 1000, Interfaces = { new InterfaceView { InterfaceId = vpc.Web.InterfaceId, PublicIp = "203.0.113.300" } } };
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => vpc.A.Client.ApplyNetworkViewAsync(bad).ResponseAsync);
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("InvalidParameterValue", refused.Trailers.GetValue(Ironbark.Common.Rpc.ErrorCodec.TrailerName));
        var ports = new NetworkView { Version = inForce + 1000, Groups = { new SecurityGroupView { GroupId = "sg-web", Ingress = { new SecurityGroupRule { Protocol = "tcp", FromPort = 80, ToPort = 70000 } } } } };
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, (await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => vpc.A.Client.ApplyNetworkViewAsync(ports).ResponseAsync)).StatusCode);
        Assert.Equal(inForce, (await vpc.A.Client.ApplyNetworkViewAsync(new NetworkView { Version = 1 })).Version);
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
    }

    [Theory]
    [InlineData("Mac", "02:00:00:00:03")]
    [InlineData("PrivateIp", "10.9.1.5")]
    [InlineData("GatewayIp", "10.9.0.5")]
    [InlineData("SubnetCidr", "10.9.0.0/30")]
    [InlineData("Vni", "0")]
    [InlineData("PublicIp", "203.0.113")]
    [InlineData("DnsDomain", "bad domain")]
    public async Task A_bad_vpc_interface_is_refused_before_anything_is_made(string field, string value)
    {
        var g = new Guest(NcFixture.NewInstanceId(), 'a', 301, "10.9.0.5", "02:00:00:00:03:05", "sg-none", null);
        var request = vpc.Launch(g, "true\n");
        var n = request.Network;
        (n.SubnetCidr, n.GatewayIp, n.VpcCidr) = ("10.9.0.0/24", "10.9.0.1", "10.9.0.0/16");
        switch (field)
        {
            case "Mac": n.Mac = value; break;
            case "PrivateIp": n.PrivateIp = value; break;
            case "GatewayIp": n.GatewayIp = value; break;
            case "SubnetCidr": n.SubnetCidr = value; break;
            case "Vni": n.Vni = uint.Parse(value); break;
            case "PublicIp": n.PublicIp = value; break;
            case "DnsDomain": n.DnsDomain = value; break;
        }
        var refused = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => vpc.A.Client.RunInstanceAsync(request).ResponseAsync);
        Assert.Equal("InvalidParameterValue", refused.Trailers.GetValue(Ironbark.Common.Rpc.ErrorCodec.TrailerName));
        Assert.DoesNotContain(vpc.Lab.NcPrefix('a') + "vni" + n.Vni, vpc.Lab.Namespaces());
        Assert.DoesNotContain((await vpc.A.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances, i => i.InstanceId == g.Id);
    }

    [Fact]
    public async Task A_guest_of_another_vpc_with_the_same_addresses_reaches_neither_on_its_node_nor_across()
    {
        var console = await vpc.B.ConsoleAsync(vpc.Other.Id);
        Assert.Contains($"IRONBARK-READY instance-id={vpc.Other.Id} ip=172.31.0.10 ", console);
        var rounds = await RoundsAfterNowAsync(vpc.Other, 2);
        Assert.All(rounds, r => Assert.Equal("none", r["172.31.0.11:7001"]));
        Assert.All(rounds, r => Assert.Equal("none", r["172.31.0.12:7001"]));
        // Client's 172.31.0.10 is Web, never Other, which has the same address on Client's own node.
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
    }

    [Fact]
    public async Task The_outside_reaches_a_guest_by_its_public_address_only_when_the_view_allows_it()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        Assert.Equal("", await FromOutsideAsync(VpcFixture.WebPublic, 7001));
        Assert.Equal("", await FromOutsideAsync(vpc.Web.Ip, 7001));

        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: true);
        Assert.Equal("hello-" + vpc.Web.Id, await FromOutsideAsync(VpcFixture.WebPublic, 7001));
        Assert.Equal("", await FromOutsideAsync(VpcFixture.WebPublic, 7002));
        Assert.Equal("", await FromOutsideAsync(vpc.Web.Ip, 7001));

        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        Assert.Equal("", await FromOutsideAsync(VpcFixture.WebPublic, 7001));
    }

    [Fact]
    public async Task A_guest_goes_out_only_through_its_own_public_address()
    {
        Assert.All(await RoundsAfterNowAsync(vpc.Web, 1), r => Assert.Equal("hello-outside", r["203.0.113.250:8001"]));
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("none", r["203.0.113.250:8001"]));
    }

    [Fact]
    public async Task A_guest_that_forges_another_guests_ip_or_mac_reaches_nothing_and_gets_no_metadata()
    {
        var console = await vpc.A.WaitForConsoleAsync(vpc.Forger.Id, c => c.Contains("IRONBARK-FORGE phase=restored", StringComparison.Ordinal), "the forger's last phase");
        var web = "hello-" + vpc.Web.Id;
        Assert.Contains($"IRONBARK-FORGE phase=own peer={web} metadata={vpc.Forger.Id}", console);
        Assert.Contains("IRONBARK-FORGE phase=ip peer=none metadata=none", console);
        Assert.Contains("IRONBARK-FORGE phase=mac peer=none metadata=none", console);
        Assert.Contains($"IRONBARK-FORGE phase=restored peer={web} metadata={vpc.Forger.Id}", console);
        // The forger sent frames with Web's MAC: the bridge delivers that MAC to Web's tap by a static entry, which no frame
        // moves (taps do not learn; a learned entry would follow the forger's frames to its port and draw Web's traffic).
        var (code, fdb, _) = await ProcessRunner.RunAsync("bridge", ["-n", vpc.Lab.NcPrefix('a') + "vni" + vpc.Web.Vni, "fdb", "show", "br", "br0"]);
        Assert.Equal(0, code);
        var webMac = fdb.Split('\n').Where(l => l.StartsWith(vpc.Web.Mac + " ", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(webMac);
        Assert.All(webMac, l => Assert.Contains("dev " + VpcLayout.TapOf(vpc.Web.Id) + " ", l + " "));
        Assert.All(webMac, l => Assert.Contains(" static", l));
    }

    [Fact]
    public async Task Metadata_v1_and_v2_answer_a_guest_its_own_instance_and_addresses_and_private_names_resolve()
    {
        var console = await vpc.A.WaitForConsoleAsync(vpc.Web.Id, c => c.Contains("IRONBARK-DNS", StringComparison.Ordinal), "the DNS check");
        Assert.Contains($"IRONBARK-READY instance-id={vpc.Web.Id} ip={vpc.Web.Ip} ", console);
        Assert.Contains($"IRONBARK-IMDS2 instance-id={vpc.Web.Id}", console);
        Assert.Contains($"IRONBARK-IMDS2 local-ipv4={vpc.Web.Ip}", console);
        Assert.Contains($"IRONBARK-IMDS2 public-ipv4={VpcFixture.WebPublic}", console);
        Assert.Contains($"IRONBARK-IMDS2 mac={vpc.Web.Mac}", console);
        Assert.Contains("IRONBARK-DNS found", console);
    }

    [Fact]
    public async Task A_restarted_node_rebuilds_its_network_and_its_guests_keep_their_addresses()
    {
        await vpc.ApplyAsync(clientToWeb: true, outsideToWeb: false);
        var ns = vpc.Lab.NcPrefix('a') + "vni100";
        var dnsmasq = File.ReadAllText(Path.Combine(vpc.A.Options.StateDir, "network", "vni-100", "dnsmasq.pid")).Trim();
        // A connect tried before the first view allowed 7003 waits out its SYN retries (about 130 s) before the guest's loop tries again.
        var beforeStop = Ticks(await vpc.B.WaitForConsoleAsync(vpc.Client.Id, c => Ticks(c).Count > 0, "a tick of the long connection", 300)).Last();
        await vpc.A.StopAsync();
        Assert.Contains(ns, vpc.Lab.Namespaces());
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
        await vpc.A.StartAsync();
        Assert.All(await RoundsAfterNowAsync(vpc.Client, 1), r => Assert.Equal("hello-" + vpc.Web.Id, r["172.31.0.10:7001"]));
        // Client's one long connection to Web (node a) went on through the stop and the restart: its ticks never start again.
        var restarted = Ticks(await vpc.B.ConsoleAsync(vpc.Client.Id)).Last();
        var ticks = Ticks(await vpc.B.WaitForConsoleAsync(vpc.Client.Id, c => Ticks(c).Last() >= restarted + 4, "four more ticks"));
        Assert.True(ticks[0] <= beforeStop, $"first tick {ticks[0]}, last before the stop {beforeStop}");
        Assert.Equal(Enumerable.Range(ticks[0], ticks.Count), ticks);
        // The same dnsmasq serves on: the restarted NC found it by its pid file.
        Assert.Equal(dnsmasq, File.ReadAllText(Path.Combine(vpc.A.Options.StateDir, "network", "vni-100", "dnsmasq.pid")).Trim());
    }

    [Fact]
    public async Task The_last_vm_of_a_vpc_on_a_node_takes_its_namespace_and_dnsmasq_with_it()
    {
        var g = new Guest(NcFixture.NewInstanceId(), 'a', 300, "10.9.0.5", "02:00:00:00:03:05", "sg-none", null);
        var request = vpc.Launch(g, "true\n");
        request.Network.SubnetCidr = "10.9.0.0/24";
        request.Network.GatewayIp = "10.9.0.1";
        request.Network.VpcCidr = "10.9.0.0/16";
        var ns = vpc.Lab.NcPrefix('a') + "vni300";
        Assert.Equal("running", (await vpc.A.Client.RunInstanceAsync(request)).State);
        Assert.Contains(ns, vpc.Lab.Namespaces());
        var before = vpc.Leftovers().Dnsmasqs.Count;
        await vpc.A.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = g.Id });
        Assert.DoesNotContain(ns, vpc.Lab.Namespaces());
        Assert.Equal(before - 1, vpc.Leftovers().Dnsmasqs.Count);
    }

    /// <summary>Probe rounds of <paramref name="g"/> that started after this call (the round under way may have started before).</summary>
    private async Task<List<Dictionary<string, string>>> RoundsAfterNowAsync(Guest g, int count)
    {
        var node = vpc.NodeOf(g);
        var start = Rounds(await node.ConsoleAsync(g.Id)).Keys.DefaultIfEmpty(0).Max() + 2;
        var console = await node.WaitForConsoleAsync(g.Id, c => Rounds(c).Keys.Any(n => n >= start + count), $"{count} probe rounds after {start}", 60);
        return Rounds(console).Where(r => r.Key >= start && r.Key < start + count).Select(r => r.Value).ToList();
    }

    /// <summary>Complete rounds by number: target → answer (rounds whose lines are all there, i.e. followed by a later round).</summary>
    private static Dictionary<int, Dictionary<string, string>> Rounds(string console)
    {
        var rounds = new Dictionary<int, Dictionary<string, string>>();
        foreach (Match m in ProbeLine().Matches(console))
        {
            var n = int.Parse(m.Groups[1].Value);
            if (!rounds.TryGetValue(n, out var round))
                rounds[n] = round = [];
            round[m.Groups[2].Value] = m.Groups[3].Value.Trim();
        }
        if (rounds.Count > 0)
            rounds.Remove(rounds.Keys.Max());
        return rounds;
    }

    /// <summary>The tick numbers the long connection delivered, in order.</summary>
    private static List<int> Ticks(string console) => TickLine().Matches(console).Select(m => int.Parse(m.Groups[1].Value)).ToList();

    [GeneratedRegex(@"IRONBARK-TICK tick-(\d+)")]
    private static partial Regex TickLine();

    [GeneratedRegex(@"IRONBARK-PROBE n=(\d+) (\S+) ([^\r\n]*)")]
    private static partial Regex ProbeLine();

    private async Task<string> FromOutsideAsync(string address, int port)
    {
        var (_, stdout, _) = await VpcLab.InAsync(vpc.Lab.Outside, "busybox", "nc", "-w", "2", address, port.ToString());
        return stdout.Trim();
    }
}

[CollectionDefinition(Name)]
public sealed class VpcCollection : ICollectionFixture<VpcFixture>
{
    public const string Name = "vpc";
}
