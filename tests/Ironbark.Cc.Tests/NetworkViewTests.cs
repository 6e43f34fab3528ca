using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The views the CC pushes to its nodes (ApplyNetworkView) after security groups, interface groups and elastic IPs
/// change, on SQLite and PostgreSQL. The poll interval is 30 s in these tests, so a view that arrives within a second
/// was pushed by the change, not by the timer.
/// </summary>
public abstract class NetworkViewTests(bool postgres)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);
    private const string GroupA = "sg-0000000000000000a";
    private const string GroupB = "sg-0000000000000000b";

    [Fact]
    public async Task A_group_change_reaches_every_node_with_the_members_zone_wide_within_a_second()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupB]));
        Assert.Equal(("node-0", "node-1"), (a.NodeId, b.NodeId));
        string ipA = a.Network.PrivateIp, ipB = b.Network.PrivateIp;
        var vni = a.Network.Vni;

        var applied = await f.Client.PutSecurityGroupsAsync(Groups(1, Group(GroupA, Tcp(22, sources: [GroupB])), Group(GroupB, Tcp(80, cidrs: ["0.0.0.0/0"]))));

        Assert.Equal(1, applied.Version);
        var node0 = await f.Nodes[0].WaitForViewAsync(v => Rules(v, GroupA) == 1 && Rules(v, GroupB) == 1, Second);
        Assert.Equal([(GroupA, ipA), (GroupB, ipB)], Members(node0));
        Assert.Equal(a.Status.InstanceId, Assert.Single(node0.Interfaces).InstanceId);
        Assert.Equal([GroupA], node0.Interfaces[0].SecurityGroupIds);
        Assert.Equal(a.Network.PublicIp, node0.Interfaces[0].PublicIp);
        var peer0 = Assert.Single(node0.Peers);
        Assert.Equal(("node-1", NetworkCluster.Node1Underlay, vni), (peer0.NodeId, peer0.UnderlayIp, Assert.Single(peer0.Vnis)));
        // node-1 has only B's interface; A names no group that node-1 uses.
        var node1 = await f.Nodes[1].WaitForViewAsync(v => Rules(v, GroupB) == 1, Second);
        Assert.Equal([(GroupB, ipB)], Members(node1));
        var peer1 = Assert.Single(node1.Peers);
        Assert.Equal(("node-0", NetworkCluster.Node0Underlay, vni), (peer1.NodeId, peer1.UnderlayIp, Assert.Single(peer1.Vnis)));
        var before = (node0.Version, node1.Version);

        var changed = await f.Client.SetInterfaceGroupsAsync(new InterfaceGroups { InterfaceId = b.Network.InterfaceId, SecurityGroupIds = { GroupA, GroupB } });

        Assert.Equal([GroupA, GroupB], changed.SecurityGroupIds);
        var both = string.Join(",", new[] { ipA, ipB }.Order(StringComparer.Ordinal));
        node0 = await f.Nodes[0].WaitForViewAsync(v => MembersOf(v, GroupA) == both, Second);
        node1 = await f.Nodes[1].WaitForViewAsync(v => MembersOf(v, GroupA) == both && MembersOf(v, GroupB) == ipB, Second);
        Assert.Equal([GroupA, GroupB], Assert.Single(node1.Interfaces).SecurityGroupIds);
        Assert.True(node0.Version > before.Item1 && node1.Version > before.Item2);
        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { b.Status.InstanceId } })).Instances;
        Assert.Equal([GroupA, GroupB], Assert.Single(described).Network.SecurityGroupIds);
    }

    [Fact]
    public async Task Rule_changes_and_a_terminate_reach_the_nodes_and_an_older_set_of_groups_is_ignored()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        await f.Client.PutSecurityGroupsAsync(Groups(5, Group(GroupA, Tcp(22, cidrs: ["10.0.0.0/8"]))));
        await f.Nodes[0].WaitForViewAsync(v => Rules(v, GroupA) == 1, Second);

        await f.Client.PutSecurityGroupsAsync(Groups(6, Group(GroupA, Tcp(22, cidrs: ["10.0.0.0/8"]), Tcp(443, cidrs: ["0.0.0.0/0"]))));
        await Task.WhenAll(f.Nodes.Select(n => n.WaitForViewAsync(v => Rules(v, GroupA) == 2, Second)));

        // A push that arrives late (version 4 < 6) changes nothing and is answered with the version in force.
        var late = await f.Client.PutSecurityGroupsAsync(Groups(4, Group(GroupA)));
        Assert.Equal(6, late.Version);
        await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = b.Status.InstanceId });
        var node0 = await f.Nodes[0].WaitForViewAsync(v => MembersOf(v, GroupA) == a.Network.PrivateIp, Second);
        Assert.Equal(2, Rules(node0, GroupA));
        var node1 = await f.Nodes[1].WaitForViewAsync(v => v.Interfaces.Count == 0, Second);
        Assert.Empty(node1.Groups);
        Assert.Equal([a.Network.Vni], Assert.Single(node1.Peers).Vnis);
        Assert.Empty(Assert.Single(node0.Peers).Vnis);
    }

    [Fact]
    public async Task An_association_moves_an_elastic_ip_between_interfaces_and_the_old_node_drops_it()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        const string elastic = "198.51.100.7";
        Assert.Equal(("203.0.113.1", "203.0.113.2"), (a.Network.PublicIp, b.Network.PublicIp));

        var onA = await f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = a.Network.InterfaceId, PublicIp = elastic });

        Assert.Equal(elastic, onA.PublicIp);
        await f.Nodes[0].WaitForViewAsync(v => v.Interfaces.Single().PublicIp == elastic, Second);

        var onB = await f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = b.Network.InterfaceId, PublicIp = elastic });

        Assert.Equal(elastic, onB.PublicIp);
        await f.Nodes[1].WaitForViewAsync(v => v.Interfaces.Single().PublicIp == elastic, Second);
        // A was launched with a public address: it gets one of the pool again (its old one, the lowest free).
        var node0 = await f.Nodes[0].WaitForViewAsync(v => v.Interfaces.Single().PublicIp != elastic, Second);
        Assert.Equal("203.0.113.1", node0.Interfaces.Single().PublicIp);
        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances.ToDictionary(i => i.Status.InstanceId);
        Assert.Equal("203.0.113.1", described[a.Status.InstanceId].Network.PublicIp);
        Assert.Equal(elastic, described[b.Status.InstanceId].Network.PublicIp);

        var off = await f.Client.DisassociateAddressAsync(new AddressAssociation { InterfaceId = b.Network.InterfaceId, PublicIp = elastic });

        Assert.Equal("203.0.113.2", off.PublicIp);
        await f.Nodes[1].WaitForViewAsync(v => v.Interfaces.Single().PublicIp == "203.0.113.2", Second);
        // Again: nothing changes, the address is already off.
        Assert.Equal(off, await f.Client.DisassociateAddressAsync(new AddressAssociation { InterfaceId = b.Network.InterfaceId, PublicIp = elastic }));
    }

    [Fact]
    public async Task An_elastic_ip_on_an_interface_launched_without_a_public_address_leaves_it_without_one_when_taken_off()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), publicIp: false));
        await f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = a.Network.InterfaceId, PublicIp = "198.51.100.9" });

        var off = await f.Client.DisassociateAddressAsync(new AddressAssociation { InterfaceId = a.Network.InterfaceId, PublicIp = "198.51.100.9" });

        Assert.Equal("", off.PublicIp);
        await f.Nodes[0].WaitForViewAsync(v => v.Interfaces.Single().PublicIp == "", Second);
        // The elastic IP's terminate: the CC forgets the mapping, and another interface may take the address.
        await f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = a.Network.InterfaceId, PublicIp = "198.51.100.9" });
        await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = a.Status.InstanceId });
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), publicIp: false));
        Assert.Equal("198.51.100.9", (await f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = b.Network.InterfaceId, PublicIp = "198.51.100.9" })).PublicIp);
    }

    [Fact]
    public async Task A_node_that_was_down_or_restarted_converges_on_the_poll_timer()
    {
        await using var f = await NetworkCluster.StartAsync(postgres, pollInterval: TimeSpan.FromMilliseconds(300));
        f.Nodes[1].RefuseViews = true;
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        await f.Client.PutSecurityGroupsAsync(Groups(1, Group(GroupA, Tcp(22, sources: [GroupA]))));
        await f.Nodes[0].WaitForViewAsync(v => Rules(v, GroupA) == 1 && MembersOf(v, GroupA).Contains(','), Second);
        // At most the view a started CC pushes before any launch: no interface, no group.
        Assert.True(f.Nodes[1].View is null or { Interfaces.Count: 0, Groups.Count: 0 }, $"{f.Nodes[1].View}");

        f.Nodes[1].RefuseViews = false;
        var node1 = await f.Nodes[1].WaitForViewAsync(v => Rules(v, GroupA) == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(b.Status.InstanceId, Assert.Single(node1.Interfaces).InstanceId);
        Assert.Equal(string.Join(",", new[] { a.Network.PrivateIp, b.Network.PrivateIp }.Order(StringComparer.Ordinal)), MembersOf(node1, GroupA));

        f.Nodes[0].Forget();
        var again = await f.Nodes[0].WaitForViewAsync(v => Rules(v, GroupA) == 1, TimeSpan.FromSeconds(10));
        Assert.Equal(a.Status.InstanceId, Assert.Single(again.Interfaces).InstanceId);
    }

    [Fact]
    public async Task View_versions_keep_increasing_across_a_restart_of_the_cc()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), [GroupA]));
        await f.Client.PutSecurityGroupsAsync(Groups(1, Group(GroupA, Tcp(22, cidrs: ["0.0.0.0/0"]))));
        var before = (await f.Nodes[0].WaitForViewAsync(v => Rules(v, GroupA) == 1, Second)).Version;

        await f.RestartCcAsync();
        await f.Client.SetInterfaceGroupsAsync(new InterfaceGroups { InterfaceId = a.Network.InterfaceId, SecurityGroupIds = { GroupB } });

        var after = await f.Nodes[0].WaitForViewAsync(v => v.Interfaces.Single().SecurityGroupIds.SequenceEqual([GroupB]), Second);
        Assert.True(after.Version > before, $"{after.Version} after the restart, {before} before");
        Assert.All(f.Nodes[0].Views.Zip(f.Nodes[0].Views.Skip(1)), p => Assert.True(p.Second.Version >= p.First.Version));
        // The groups stored before the restart are in the view after it: a restarted CC reads its store.
        Assert.Equal(1, (await f.Client.PutSecurityGroupsAsync(Groups(0))).Version);
    }

    private static SecurityGroupSet Groups(long version, params SecurityGroupView[] groups) => new() { Version = version, Groups = { groups } };

    private static SecurityGroupView Group(string id, params SecurityGroupRule[] ingress) => new()
    {
        GroupId = id, VpcId = NetworkCluster.VpcId, Ingress = { ingress }, Egress = { new SecurityGroupRule { Protocol = "-1", Cidrs = { "0.0.0.0/0" } } },
    };

    private static SecurityGroupRule Tcp(int port, string[]? cidrs = null, string[]? sources = null) => new()
    {
        Protocol = "tcp", FromPort = port, ToPort = port, Cidrs = { cidrs ?? [] }, SourceGroupIds = { sources ?? [] },
    };

    private static int Rules(NetworkView view, string group) => view.Groups.FirstOrDefault(g => g.GroupId == group)?.Ingress.Count ?? -1;

    private static string MembersOf(NetworkView view, string group) =>
        string.Join(",", view.Groups.FirstOrDefault(g => g.GroupId == group)?.MemberIps ?? []);

    private static IEnumerable<(string, string)> Members(NetworkView view) => view.Groups.Select(g => (g.GroupId, string.Join(",", g.MemberIps)));
}

public sealed class SqliteNetworkViewTests() : NetworkViewTests(postgres: false);

public sealed class PostgresNetworkViewTests() : NetworkViewTests(postgres: true);
