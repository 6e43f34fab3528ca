using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The network calls' refusals, each with its status and AWS-style code (the ErrorCodec's "Code: message" detail),
/// and nothing of a refused call written: the interface and the views stay as they were.
/// </summary>
public sealed class NetworkErrorTests
{
    private const string Unknown = "eni-0123456789abcdef0";

    [Fact]
    public async Task Every_network_call_on_an_unknown_interface_is_NotFound_with_InvalidNetworkInterfaceID_NotFound()
    {
        await using var f = await NetworkCluster.StartAsync(postgres: false);
        var calls = new Func<Task>[]
        {
            () => f.Client.SetInterfaceGroupsAsync(new InterfaceGroups { InterfaceId = Unknown, SecurityGroupIds = { "sg-00000000000000001" } }).ResponseAsync,
            () => f.Client.AssociateAddressAsync(new AddressAssociation { InterfaceId = Unknown, PublicIp = "198.51.100.1" }).ResponseAsync,
            () => f.Client.DisassociateAddressAsync(new AddressAssociation { InterfaceId = Unknown, PublicIp = "198.51.100.1" }).ResponseAsync,
        };
        foreach (var call in calls)
        {
            var refused = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, refused.StatusCode);
            Assert.Equal("InvalidNetworkInterfaceID.NotFound", refused.Trailers.GetValue("ironbark-error-code"));
            Assert.Contains(Unknown, refused.Status.Detail);
        }
    }

    [Theory]
    [InlineData("203.0.113.50", "InvalidParameterValue")]  // the zone's pool, not an elastic IP
    [InlineData("203.0.113.0", "InvalidParameterValue")]
    [InlineData("198.51.100", "InvalidParameterValue")]
    [InlineData("fe80::1", "InvalidParameterValue")]
    [InlineData("", "MissingParameter")]
    public async Task An_address_that_is_not_an_elastic_ip_is_refused_and_the_interface_keeps_its_own(string address, string code)
    {
        await using var f = await NetworkCluster.StartAsync(postgres: false);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        foreach (var call in new[] { (Func<AddressAssociation, AsyncUnaryCall<NetworkInterface>>)(r => f.Client.AssociateAddressAsync(r)),
                     r => f.Client.DisassociateAddressAsync(r) })
        {
            var refused = await Assert.ThrowsAsync<RpcException>(() =>
                call(new AddressAssociation { InterfaceId = a.Network.InterfaceId, PublicIp = address }).ResponseAsync);

            Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
            Assert.StartsWith(code + ": ", refused.Status.Detail);
        }
        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances;
        Assert.Equal(a.Network, Assert.Single(described).Network);
    }

    [Theory]
    [InlineData("", "MissingParameter")]
    [InlineData("default", "InvalidGroupId.Malformed")]
    public async Task Bad_interface_groups_are_refused_and_the_interface_keeps_its_groups(string group, string code)
    {
        await using var f = await NetworkCluster.StartAsync(postgres: false);
        var a = await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        var request = new InterfaceGroups { InterfaceId = a.Network.InterfaceId };
        if (group.Length > 0)
            request.SecurityGroupIds.Add(group);

        var refused = await Assert.ThrowsAsync<RpcException>(() => f.Client.SetInterfaceGroupsAsync(request).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(code + ": ", refused.Status.Detail);
        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances;
        Assert.Equal(a.Network.SecurityGroupIds, Assert.Single(described).Network.SecurityGroupIds);
    }

    [Theory]
    [InlineData("web", "InvalidGroupId.Malformed")]
    [InlineData("sg-00000000000000001", "InvalidParameterValue")]  // defined twice
    public async Task A_bad_set_of_security_groups_is_refused_whole_and_the_stored_set_stays(string second, string code)
    {
        await using var f = await NetworkCluster.StartAsync(postgres: false);
        await f.Client.RunInstanceAsync(NetworkCluster.VpcLaunch(NetworkCluster.NewId("i-")));
        var good = new SecurityGroupView { GroupId = "sg-00000000000000001", VpcId = NetworkCluster.VpcId, Ingress = { new SecurityGroupRule { Protocol = "-1" } } };
        await f.Client.PutSecurityGroupsAsync(new SecurityGroupSet { Version = 1, Groups = { good } });
        await f.Nodes[0].WaitForViewAsync(v => v.Groups.Single().Ingress.Count == 1, TimeSpan.FromSeconds(1));

        var refused = await Assert.ThrowsAsync<RpcException>(() => f.Client.PutSecurityGroupsAsync(new SecurityGroupSet
        {
            Version = 2, Groups = { new SecurityGroupView { GroupId = "sg-00000000000000001", VpcId = NetworkCluster.VpcId }, new SecurityGroupView { GroupId = second } },
        }).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith(code + ": ", refused.Status.Detail);
        // Version 1 is still in force: a later set of version 2 is taken, one of version 0 is not.
        Assert.Equal(1, (await f.Client.PutSecurityGroupsAsync(new SecurityGroupSet { Version = 0 })).Version);
        Assert.Single(f.Nodes[0].View!.Groups.Single().Ingress);
    }
}
