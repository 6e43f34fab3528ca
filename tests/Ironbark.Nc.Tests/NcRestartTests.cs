using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Qemu;

namespace Ironbark.Nc.Tests;

/// <summary>Restarting the NC while a VM runs: the VM keeps running and is managed again.</summary>
public sealed class NcRestartTests(NcFixture f) : IClassFixture<NcFixture>
{
    [Fact]
    public async Task A_restarted_nc_finds_its_running_vm_again()
    {
        var id = NcFixture.NewInstanceId();
        var before = await f.Client.RunInstanceAsync(f.Launch(id));
        await f.WaitForConsoleAsync(id, "IRONBARK-READY");

        await f.StopNcAsync();
        Assert.True(QemuVirtualMachine.IsAlive(before.Pid), "stopping the NC must not stop its VMs");
        await f.StartNcAsync();

        var after = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances.Single();
        Assert.Equal("running", after.State);
        Assert.Equal("running", after.PowerState);
        Assert.Equal(before.Pid, after.Pid);
        var node = await f.Client.DescribeNodeAsync(new DescribeNodeRequest());
        Assert.Equal(2048 - 256, node.MemoryMibFree);

        await f.Client.RebootInstanceAsync(new InstanceRef { InstanceId = id });
        await f.WaitForConsoleAsync(id, "IRONBARK-READY", times: 2);
        await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
        Assert.False(QemuVirtualMachine.IsAlive(before.Pid));
    }
}
