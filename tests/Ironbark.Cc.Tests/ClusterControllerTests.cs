using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Tests;

/// <summary>
/// What the CC answers about its cluster, one cluster for the class: no test here launches, stops or changes
/// anything (a node going down is <see cref="NodeDownTests"/>, on a cluster of its own).
/// </summary>
public sealed class ClusterControllerTests(ClusterFixture f) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Describe_resources_shows_both_nodes_up_with_their_capacity()
    {
        var started = DateTimeOffset.UtcNow;
        await f.WaitForNodesUpAsync();
        var resources = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());

        Assert.Equal("zone-1", resources.Cluster);
        Assert.Equal("ROUNDROBIN", resources.PlacementPolicy);
        Assert.Equal(2, resources.Nodes.Count);
        for (var i = 0; i < 2; i++)
        {
            var node = resources.Nodes[i];
            Assert.Equal($"node-{i}", node.NodeId);
            Assert.Equal(f.Nodes[i].Endpoint.ToString(), node.Url);
            Assert.Equal("up", node.State);
            Assert.Equal("", node.Reason);
            // The NC's offer times its overcommit (cores 4.0, memory 1.0 by default).
            Assert.Equal(f.NodeOptions[i].Cores * 4, node.CoresTotal);
            Assert.Equal(node.CoresTotal, node.CoresFree);
            Assert.Equal(f.NodeOptions[i].MemoryMib, node.MemoryMibTotal);
            Assert.Equal(node.MemoryMibTotal, node.MemoryMibFree);
            Assert.Equal(0, node.Instances);
            Assert.InRange(node.LastSeenMs, started.AddSeconds(-30).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
    }

    [Fact]
    public async Task A_client_with_a_self_signed_certificate_is_refused()
    {
        using var pfx = Ironbark.Testing.IntruderCertificate.Create();
        using var channel = f.Channel(pfx);
        var client = new ClusterController.ClusterControllerClient(channel);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeResourcesAsync(new DescribeResourcesRequest()).ResponseAsync);
        // The TLS handshake is refused: the call fails before any answer (gRPC reports Unavailable or, when the
        // connection drops mid-setup, Internal), never with an application status.
        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.NotNull(error.Status.DebugException); // a transport failure on the client, not a status the server sent

        // The cloud's own certificates are accepted.
        Assert.Equal(2, (await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest())).Nodes.Count);
    }

    [Fact]
    public async Task A_launch_bigger_than_any_node_is_refused_at_once_with_insufficient_capacity()
    {
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            f.Client.RunInstanceAsync(f.Launch(ClusterFixture.NewInstanceId(), memoryMib: 4096), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal("InsufficientInstanceCapacity", error.Trailers.GetValue("ironbark-error-code"));
        Assert.StartsWith("InsufficientInstanceCapacity: No node in zone-1 has room for an instance of 1 cores and 4096 MiB", error.Status.Detail);
        Assert.Contains("2048 MiB", error.Status.Detail);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"refused after {clock.Elapsed}");
        Assert.Empty((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances);
    }

    [Fact]
    public async Task Calls_about_an_unknown_instance_are_not_found()
    {
        var unknown = new InstanceRef { InstanceId = "i-0123456789abcdef0" };
        foreach (var call in new Func<Task>[]
                 {
                     () => f.Client.TerminateInstanceAsync(unknown).ResponseAsync,
                     () => f.Client.RebootInstanceAsync(unknown).ResponseAsync,
                     () => f.Client.GetConsoleOutputAsync(unknown).ResponseAsync,
                 })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.NotFound, error.StatusCode);
            Assert.Equal("InvalidInstanceID.NotFound", error.Trailers.GetValue("ironbark-error-code"));
            Assert.Equal("InvalidInstanceID.NotFound: The instance ID 'i-0123456789abcdef0' does not exist in this cluster", error.Status.Detail);
        }
        // Describing it is no error: it is simply not there.
        Assert.Empty((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { unknown.InstanceId } })).Instances);
    }
}
