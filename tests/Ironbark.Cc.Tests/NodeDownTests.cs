using System.Diagnostics;
using Ironbark.Common.Contracts.Cc;

namespace Ironbark.Cc.Tests;

/// <summary>A node that stops under a running CC, on a cluster of its own: every later test would find it down.</summary>
public sealed class NodeDownTests : IAsyncLifetime
{
    private readonly ClusterFixture f = new();

    public async Task InitializeAsync()
    {
        await f.InitializeAsync();
        // The test starts from both nodes up.
        await f.WaitForNodesUpAsync();
    }

    public Task DisposeAsync() => f.DisposeAsync();

    [Fact]
    public async Task A_node_that_stops_answering_is_marked_down_within_the_poll_interval_and_the_other_stays_up()
    {
        var before = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.All(before.Nodes, n => Assert.Equal("up", n.State));
        var lastSeen = before.Nodes[1].LastSeenMs;

        await f.StopNodeAsync(1);
        var clock = Stopwatch.StartNew();
        ClusterResources now;
        do
        {
            await Task.Delay(50);
            now = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        } while (now.Nodes[1].State == "up" && clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal("down", now.Nodes[1].State);
        // One poll interval until the next poll, plus at most the poll timeout for its answer.
        Assert.True(clock.Elapsed < ClusterFixture.PollInterval + ClusterFixture.PollTimeout + TimeSpan.FromMilliseconds(500),
            $"marked down after {clock.Elapsed}");
        Assert.Contains("Unavailable", now.Nodes[1].Reason);
        Assert.Equal("node-1", now.Nodes[1].NodeId);
        Assert.True(now.Nodes[1].LastSeenMs >= lastSeen);

        // The other node is still polled and up.
        await Task.Delay(ClusterFixture.PollInterval * 2);
        var later = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.Equal("up", later.Nodes[0].State);
        Assert.True(later.Nodes[0].LastSeenMs > before.Nodes[0].LastSeenMs);
        Assert.Equal("down", later.Nodes[1].State);
    }
}
