using System.Text.RegularExpressions;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>
/// Launches in mode VPC through the CC, with its store on SQLite and on PostgreSQL: what it allocates (MAC, private
/// address, tunnel id, gateway, DNS name, pool address), that concurrent launches never share a value, that it all
/// survives a restart of the CC, and that terminate frees it for the next launch.
/// </summary>
public abstract partial class VpcLaunchTests(bool postgres)
{
    [Fact]
    public async Task Twenty_concurrent_launches_get_unique_addresses_in_range_and_the_node_gets_what_the_clc_is_answered()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var ids = Enumerable.Range(0, 20).Select(_ => NetworkCluster.NewId("i-")).ToList();

        var launched = await Task.WhenAll(ids.Select(id => f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(id)).ResponseAsync));

        var nets = launched.Select(l => l.Network).ToList();
        Assert.Equal(20, nets.Select(n => n.Mac).Distinct().Count());
        Assert.Equal(20, nets.Select(n => n.PrivateIp).Distinct().Count());
        Assert.Equal(20, nets.Select(n => n.PublicIp).Distinct().Count());
        Assert.All(nets, n =>
        {
            Assert.Matches(Mac(), n.Mac);
            Assert.Equal("VPC", n.Mode);
            var last = int.Parse(n.PrivateIp.Split('.')[3]);
            Assert.StartsWith("172.31.0.", n.PrivateIp);
            Assert.InRange(last, 4, 254);
            Assert.Equal("172.31.0.1", n.GatewayIp);
            Assert.Equal($"ip-{n.PrivateIp.Replace('.', '-')}.ironbark.compute.internal", n.PrivateDnsName);
            Assert.Equal("ironbark.compute.internal", n.DnsDomain);
            Assert.StartsWith("203.0.113.", n.PublicIp);
            Assert.InRange(int.Parse(n.PublicIp.Split('.')[3]), 1, 254);
        });
        // The lowest addresses first: 20 launches hold .4 to .23.
        Assert.Equal(Enumerable.Range(4, 20).Select(i => $"172.31.0.{i}"), nets.Select(n => n.PrivateIp).OrderBy(Last));
        var vni = Assert.Single(nets.Select(n => n.Vni).Distinct());
        Assert.InRange(vni, 1u, 16_777_215u);

        // The node was sent the completed interface, and DescribeInstances answers the same.
        foreach (var l in launched)
        {
            var node = f.Nodes.Single(n => n.NodeId == l.NodeId);
            Assert.Equal(l.Network, node.Launches[l.Status.InstanceId].Network);
        }
        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances.ToDictionary(i => i.Status.InstanceId);
        Assert.All(launched, l => Assert.Equal(l.Network, described[l.Status.InstanceId].Network));
    }

    [Fact]
    public async Task A_restarted_cc_reads_its_store_a_retried_launch_reuses_its_addresses_and_a_new_launch_takes_the_next()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var a = NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"));
        var b = NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), publicIp: false);
        var first = await f.Client.RunInstanceAsync(a);
        var second = await f.Client.RunInstanceAsync(b);
        Assert.Equal("", second.Network.PublicIp);

        await f.RestartCcAsync();

        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { a.InstanceId, b.InstanceId } })).Instances;
        Assert.Equal([first.Network, second.Network], described.OrderBy(i => Last(i.Network.PrivateIp)).Select(i => i.Network));
        var retried = await f.Client.RunInstanceAsync(a);
        Assert.Equal(first.Network, retried.Network);
        Assert.Equal(first.NodeId, retried.NodeId);
        var third = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal("172.31.0.6", third.Network.PrivateIp);
        Assert.Equal(first.Network.Vni, third.Network.Vni);
        Assert.NotEqual(first.Network.PublicIp, third.Network.PublicIp);
        Assert.DoesNotContain(third.Network.Mac, new[] { first.Network.Mac, second.Network.Mac });
    }

    [Fact]
    public async Task Terminate_frees_the_private_and_pool_address_for_the_next_launch()
    {
        await using var f = await NetworkCluster.StartAsync(postgres, publicAddresses: "203.0.113.10-203.0.113.11");
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal(("172.31.0.4", "203.0.113.10"), (a.Network.PrivateIp, a.Network.PublicIp));
        Assert.Equal(("172.31.0.5", "203.0.113.11"), (b.Network.PrivateIp, b.Network.PublicIp));

        var terminated = await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = a.Status.InstanceId });

        Assert.Equal("terminated", terminated.Status.State);
        Assert.Null(terminated.Network);
        var c = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal(("172.31.0.4", "203.0.113.10"), (c.Network.PrivateIp, c.Network.PublicIp));
    }

    [Fact]
    public async Task An_empty_pool_launches_without_a_public_address_and_a_freed_one_is_given_again()
    {
        await using var f = await NetworkCluster.StartAsync(postgres, publicAddresses: "203.0.113.20-203.0.113.20");
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        var b = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));

        Assert.Equal("203.0.113.20", a.Network.PublicIp);
        Assert.Equal(("running", ""), (b.Status.State, b.Network.PublicIp));
        Assert.True(b.Network.AssignPublicIp);
        Assert.Equal("", f.Nodes.Single(n => n.NodeId == b.NodeId).Launches[b.Status.InstanceId].Network.PublicIp);

        await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = a.Status.InstanceId });
        var c = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal("203.0.113.20", c.Network.PublicIp);
    }

    [Fact]
    public async Task A_full_subnet_refuses_the_launch_with_InsufficientFreeAddressesInSubnet_and_keeps_nothing_of_it()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        // A /28 has 16 addresses: .0-.3 and .15 are AWS's, 11 are the interfaces'.
        for (var i = 0; i < 11; i++)
            await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), subnetCidr: "172.31.0.0/28"));
        var id = NetworkCluster.NewId("i-");

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(id, subnetCidr: "172.31.0.0/28")).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.StartsWith("InsufficientFreeAddressesInSubnet: ", refused.Status.Detail);
        Assert.All(f.Nodes, n => Assert.False(n.Launches.ContainsKey(id)));
        Assert.Empty((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances);
        // Nothing was held for it: a launch in another subnet of the VPC gets that subnet's first address.
        var other = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"), subnetCidr: "172.31.16.0/20"));
        Assert.Equal("172.31.16.4", other.Network.PrivateIp);
    }

    [Fact]
    public async Task A_launch_the_node_refused_frees_its_addresses_and_one_it_never_answered_keeps_them_until_terminated()
    {
        await using var f = await NetworkCluster.StartAsync(postgres, publicAddresses: "203.0.113.10-203.0.113.11");
        foreach (var node in f.Nodes)
            node.FailLaunches = "refuse";
        var refused = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"))).ResponseAsync);
        Assert.Equal((StatusCode.InvalidArgument, "InvalidParameterValue"), (refused.StatusCode, refused.Trailers.GetValue("ironbark-error-code")));

        foreach (var node in f.Nodes)
            node.FailLaunches = "drop";
        var lost = NetworkCluster.NewId("i-");
        var unanswered = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(lost)).ResponseAsync);
        Assert.Equal(StatusCode.Unavailable, unanswered.StatusCode);

        foreach (var node in f.Nodes)
            node.FailLaunches = null;
        // The refused launch's .4 and pool address are free; the unanswered one may run on its node, so it keeps .4 it took.
        var next = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal(("172.31.0.5", "203.0.113.11"), (next.Network.PrivateIp, next.Network.PublicIp));
        // The CLC terminates what it never heard of again: no node has it, and what it held is free.
        var notFound = await Assert.ThrowsAsync<RpcException>(() => f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = lost }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        var last = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal(("172.31.0.4", "203.0.113.10"), (last.Network.PrivateIp, last.Network.PublicIp));
    }

    [Theory]
    [InlineData("interface_id", "", "MissingParameter")]
    [InlineData("interface_id", "nic-1", "InvalidNetworkInterfaceID.Malformed")]
    [InlineData("vpc_id", "", "MissingParameter")]
    [InlineData("subnet_id", "", "MissingParameter")]
    [InlineData("subnet_cidr", "", "MissingParameter")]
    [InlineData("subnet_cidr", "172.31.0.0/33", "InvalidParameterValue")]
    [InlineData("subnet_cidr", "172.31.0.5/20", "InvalidParameterValue")]
    [InlineData("subnet_cidr", "172.31.0.0/29", "InvalidParameterValue")]
    [InlineData("subnet_cidr", "10.0.0.0/20", "InvalidParameterValue")]
    public async Task A_bad_vpc_interface_is_refused_with_its_code_and_nothing_is_allocated_or_launched(string field, string value, string code)
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var launch = NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"));
        var n = launch.Network;
        switch (field)
        {
            case "interface_id": n.InterfaceId = value; break;
            case "vpc_id": n.VpcId = value; break;
            case "subnet_id": n.SubnetId = value; break;
            case "subnet_cidr": n.SubnetCidr = value; break;
        }

        var refused = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(launch).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(code + ": ", refused.Status.Detail);
        Assert.All(f.Nodes, node => Assert.Empty(node.Launches));
        var next = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        Assert.Equal("172.31.0.4", next.Network.PrivateIp);
    }

    [Fact]
    public async Task A_user_mode_launch_is_sent_as_it_came_and_has_no_vpc_interface()
    {
        await using var f = await NetworkCluster.StartAsync(postgres);
        var launch = NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-"));
        launch.Network = new NetworkInterface { Mode = "USER", Mac = "52:54:00:12:34:56", PrivateIp = "169.254.169.15" };

        var launched = await f.Client.RunInstanceAsync(launch);

        Assert.Null(launched.Network);
        Assert.Equal(launch.Network, f.Nodes.Single(n => n.NodeId == launched.NodeId).Launches[launch.InstanceId].Network);
    }

    private static int Last(string ip) => int.Parse(ip.Split('.')[3]);

    [GeneratedRegex("^02(:[0-9a-f]{2}){5}$")]
    private static partial Regex Mac();
}

public sealed class SqliteVpcLaunchTests() : VpcLaunchTests(postgres: false);

public sealed class PostgresVpcLaunchTests() : VpcLaunchTests(postgres: true);
