using System.Diagnostics;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Qemu;

namespace Ironbark.Cc.Tests;

/// <summary>
/// Instances launched, found and stopped through the CC on real nodes with real QEMU guests. One cluster per
/// test (stopping a node or the CC changes what the others would see) over one Walrus holding the guest, which
/// the nodes only read; at most three guests run at once.
/// </summary>
public sealed class ClusterInstanceTests(ImageWalrus images) : IClassFixture<ImageWalrus>, IAsyncLifetime
{
    private readonly ClusterFixture f = new(images);

    public Task InitializeAsync() => f.InitializeAsync();

    public Task DisposeAsync() => f.DisposeAsync();

    [Fact]
    public async Task Round_robin_puts_two_launches_on_two_nodes_which_boot_reboot_and_terminate()
    {
        string a = ClusterFixture.NewInstanceId(), b = ClusterFixture.NewInstanceId();
        var first = await f.Client.RunInstanceAsync(f.Launch(a));
        var second = await f.Client.RunInstanceAsync(f.Launch(b));

        Assert.Equal(("node-0", f.Nodes[0].Endpoint.ToString(), true), (first.NodeId, first.NodeUrl, first.NodeUp));
        Assert.Equal(("node-1", f.Nodes[1].Endpoint.ToString(), true), (second.NodeId, second.NodeUrl, second.NodeUp));
        Assert.All(new[] { first, second }, i => Assert.Equal("running", i.Status.State));
        Assert.True(QemuVirtualMachine.IsAlive(first.Status.Pid) && QemuVirtualMachine.IsAlive(second.Status.Pid));
        await Task.WhenAll(f.WaitForConsoleAsync(a, $"IRONBARK-READY instance-id={a}"), f.WaitForConsoleAsync(b, $"IRONBARK-READY instance-id={b}"));

        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances;
        Assert.Equal([(a, "node-0"), (b, "node-1")], described.Select(i => (i.Status.InstanceId, i.NodeId)).OrderBy(x => x.Item2));
        Assert.All(described, i => Assert.True(i.NodeUp));
        var one = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { b, "i-0123456789abcdef0" } })).Instances;
        Assert.Equal(b, Assert.Single(one).Status.InstanceId);

        var rebooted = await f.Client.RebootInstanceAsync(new InstanceRef { InstanceId = a });
        Assert.Equal("node-0", rebooted.NodeId);
        await f.WaitForConsoleAsync(a, $"IRONBARK-READY instance-id={a}", times: 2);

        foreach (var (id, pid) in new[] { (a, first.Status.Pid), (b, second.Status.Pid) })
        {
            var terminated = await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
            Assert.Equal("terminated", terminated.Status.State);
            Assert.False(QemuVirtualMachine.IsAlive(pid));
        }
        // The terminate re-read each node at once: all of it is free again.
        var resources = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.All(resources.Nodes, n => Assert.Equal((0, n.MemoryMibTotal), (n.Instances, n.MemoryMibFree)));
    }

    [Fact]
    public async Task Concurrent_launches_never_overcommit_a_node()
    {
        // 1000 MiB fits once on node-0 (1024 MiB) and twice on node-1 (2048 MiB): three of four launches fit.
        var ids = Enumerable.Range(0, 4).Select(_ => ClusterFixture.NewInstanceId()).ToList();
        var launches = ids.Select(id => f.Client.RunInstanceAsync(f.Launch(id, memoryMib: 1000)).ResponseAsync).ToList();
        var outcomes = await Task.WhenAll(launches.Select(async l =>
        {
            try
            {
                return (Instance: await l, Error: (RpcException?)null);
            }
            catch (RpcException e)
            {
                return (Instance: (ClusterInstance?)null, Error: e);
            }
        }));

        var refused = Assert.Single(outcomes, o => o.Error is not null).Error!;
        Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
        Assert.Equal("InsufficientInstanceCapacity", refused.Trailers.GetValue("ironbark-error-code"));
        var launched = outcomes.Where(o => o.Instance is not null).Select(o => o.Instance!).ToList();
        Assert.Equal(3, launched.Count);
        Assert.All(launched, i => Assert.Equal("running", i.Status.State));
        Assert.Equal(1, launched.Count(i => i.NodeId == "node-0"));
        Assert.Equal(2, launched.Count(i => i.NodeId == "node-1"));
        // The CC's own reservations kept every launch within what the node had: no node had to refuse one.
        Assert.Equal(0, f.Server.Placer.NodeRefusals);
        var resources = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.Equal([24L, 48L], resources.Nodes.Select(n => n.MemoryMibFree));

        foreach (var instance in launched)
            await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = instance.Status.InstanceId });
        Assert.All(launched, i => Assert.False(QemuVirtualMachine.IsAlive(i.Status.Pid)));
    }

    [Fact]
    public async Task An_instance_on_a_stopped_node_is_unavailable_and_described_with_its_node_down()
    {
        var id = ClusterFixture.NewInstanceId();
        var launched = await f.Client.RunInstanceAsync(f.Launch(id));
        Assert.Equal("node-0", launched.NodeId);

        await f.StopNodeAsync(0);
        var instance = new InstanceRef { InstanceId = id };
        foreach (var call in new Func<Task>[]
                 {
                     () => f.Client.TerminateInstanceAsync(instance).ResponseAsync,
                     () => f.Client.RebootInstanceAsync(instance).ResponseAsync,
                     () => f.Client.GetConsoleOutputAsync(instance).ResponseAsync,
                 })
        {
            var error = await Assert.ThrowsAsync<RpcException>(call);
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Equal("NodeUnavailable", error.Trailers.GetValue("ironbark-error-code"));
            Assert.Contains(id, error.Status.Detail);
        }

        var clock = Stopwatch.StartNew();
        ClusterInstance described;
        do
        {
            described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances.Single();
            if (!described.NodeUp)
                break;
            await Task.Delay(100);
        } while (clock.Elapsed < TimeSpan.FromSeconds(10));
        Assert.False(described.NodeUp);
        // What the node said last is kept.
        Assert.Equal(("running", "node-0", launched.Status.Pid), (described.Status.State, described.NodeId, described.Status.Pid));
    }

    [Fact]
    public async Task A_restarted_cc_knows_the_running_instances_at_once_and_terminates_them()
    {
        var id = ClusterFixture.NewInstanceId();
        var launched = await f.Client.RunInstanceAsync(f.Launch(id));

        await f.RestartCcAsync();
        var described = Assert.Single((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances);
        Assert.Equal((id, "running", launched.NodeId, true), (described.Status.InstanceId, described.Status.State, described.NodeId, described.NodeUp));
        Assert.Equal(launched.Status.Pid, described.Status.Pid);

        var terminated = await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
        Assert.Equal("terminated", terminated.Status.State);
        Assert.False(QemuVirtualMachine.IsAlive(launched.Status.Pid));
    }

    [Fact]
    public async Task The_same_launch_twice_runs_one_vm()
    {
        var request = f.Launch(ClusterFixture.NewInstanceId());
        // Two at once (the second waits for the first launch) and one more after it.
        var both = await Task.WhenAll(f.Client.RunInstanceAsync(request).ResponseAsync, f.Client.RunInstanceAsync(request).ResponseAsync);
        var again = await f.Client.RunInstanceAsync(request);

        Assert.All(both.Append(again), i => Assert.Equal((request.InstanceId, "running", "node-0"), (i.Status.InstanceId, i.Status.State, i.NodeId)));
        Assert.Single(both.Append(again).Select(i => i.Status.Pid).Distinct());
        Assert.Single((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances);
        var resources = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.Equal([1, 0], resources.Nodes.Select(n => n.Instances));
        Assert.Equal(1024 - 256, resources.Nodes[0].MemoryMibFree);

        await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = request.InstanceId });
        Assert.False(QemuVirtualMachine.IsAlive(again.Status.Pid));
    }

    [Fact]
    public async Task Errors_of_the_node_pass_through_with_their_code()
    {
        var request = f.Launch(ClusterFixture.NewInstanceId());
        request.Kernel.Sha256 = new string('b', 64);
        var mismatch = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(request).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, mismatch.StatusCode);
        Assert.Equal("InvalidImage.DigestMismatch", mismatch.Trailers.GetValue("ironbark-error-code"));
        Assert.StartsWith("InvalidImage.DigestMismatch: ", mismatch.Status.Detail);

        // The CC re-read the node after the failed launch: the instance is known, terminated with the reason.
        var described = Assert.Single((await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances);
        Assert.Equal((request.InstanceId, "terminated", "node-0"), (described.Status.InstanceId, described.Status.State, described.NodeId));
        Assert.StartsWith("InvalidImage.DigestMismatch", described.Status.Reason);
        var resources = await f.Client.DescribeResourcesAsync(new DescribeResourcesRequest());
        Assert.Equal(1024, resources.Nodes[0].MemoryMibFree);

        var reboot = await Assert.ThrowsAsync<RpcException>(() => f.Client.RebootInstanceAsync(new InstanceRef { InstanceId = request.InstanceId }).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, reboot.StatusCode);
        Assert.Equal("IncorrectInstanceState", reboot.Trailers.GetValue("ironbark-error-code"));
    }
}
