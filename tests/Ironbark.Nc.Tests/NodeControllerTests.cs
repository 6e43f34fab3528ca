using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Qemu;

namespace Ironbark.Nc.Tests;

/// <summary>A Node Controller on its own, driven through its gRPC API with real QEMU guests.</summary>
public sealed class NodeControllerTests(NcFixture f) : IClassFixture<NcFixture>
{
    private const string MetadataScript = """
        #!/bin/sh
        md=http://169.254.169.254/latest/meta-data
        echo "type=$(wget -q -O - $md/instance-type)"
        echo "ami=$(wget -q -O - $md/ami-id)"
        echo "zone=$(wget -q -O - $md/placement/availability-zone)"
        echo "key=$(wget -q -O - $md/public-keys/0/openssh-key)"
        # busybox wget cannot PUT: speak HTTP through nc, keeping stdin open until the answer is in.
        token=$( (printf 'PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\nContent-Length: 0\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n'; sleep 2) | nc 169.254.169.254 80 | tail -n 1)
        echo "token-length=${#token}"
        echo "with-token=$(wget -q -O - --header "X-aws-ec2-metadata-token: $token" $md/instance-id)"
        echo "bad-token=$( (printf 'GET /latest/meta-data/instance-id HTTP/1.0\r\nX-aws-ec2-metadata-token: nope\r\n\r\n'; sleep 2) | nc 169.254.169.254 80 | head -n 1)"
        """;

    [Fact]
    public async Task An_instance_boots_runs_user_data_reboots_and_terminates()
    {
        var id = NcFixture.NewInstanceId();
        var status = await f.Client.RunInstanceAsync(f.Launch(id, MetadataScript));
        Assert.Equal("running", status.State);
        Assert.True(QemuVirtualMachine.IsAlive(status.Pid));

        var console = await f.WaitForConsoleAsync(id, "IRONBARK-USERDATA-DONE");
        Assert.Contains($"IRONBARK-READY instance-id={id}", console);
        Assert.Contains("disk=ironbark-test-root", console);
        Assert.Contains("IRONBARK-USERDATA type=t1.micro", console);
        Assert.Contains("IRONBARK-USERDATA ami=emi-0123456789abcdef0", console);
        Assert.Contains("IRONBARK-USERDATA zone=zone-1", console);
        Assert.Contains("IRONBARK-USERDATA key=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test-key", console);
        Assert.True(console.Contains("IRONBARK-USERDATA token-length=56"), console);
        Assert.Contains($"IRONBARK-USERDATA with-token={id}", console);
        Assert.Contains("IRONBARK-USERDATA bad-token=HTTP/1.1 401", console);

        var described = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances.Single();
        Assert.Equal("running", described.PowerState);

        await f.Client.RebootInstanceAsync(new InstanceRef { InstanceId = id });
        await f.WaitForConsoleAsync(id, $"IRONBARK-READY instance-id={id}", times: 2);

        var terminated = await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
        Assert.Equal("terminated", terminated.State);
        Assert.False(QemuVirtualMachine.IsAlive(status.Pid));
        // Terminate is idempotent.
        Assert.Equal("terminated", (await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id })).State);
    }

    [Fact]
    public async Task Three_instances_run_at_once()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => NcFixture.NewInstanceId()).ToList();
        var launched = await Task.WhenAll(ids.Select(id => f.Client.RunInstanceAsync(f.Launch(id)).ResponseAsync));
        Assert.All(launched, s => Assert.Equal("running", s.State));
        Assert.Equal(3, launched.Select(s => s.Pid).Distinct().Count());
        await Task.WhenAll(ids.Select(id => f.WaitForConsoleAsync(id, $"IRONBARK-READY instance-id={id}")));
        var node = await f.Client.DescribeNodeAsync(new DescribeNodeRequest());
        Assert.True(node.MemoryMibFree <= 2048 - 3 * 256);
        foreach (var id in ids)
            await f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
        Assert.All(launched, s => Assert.False(QemuVirtualMachine.IsAlive(s.Pid)));
    }

    [Fact]
    public async Task A_vm_that_dies_is_reported_within_seconds()
    {
        var id = NcFixture.NewInstanceId();
        var status = await f.Client.RunInstanceAsync(f.Launch(id));
        QemuVirtualMachine.Kill(status.Pid);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        InstanceStatus now;
        do
        {
            now = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances.Single();
            if (now.State == "terminated")
                break;
            await Task.Delay(100);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal("terminated", now.State);
        Assert.Equal("crashed", now.PowerState);
        Assert.Contains("exited unexpectedly", now.Reason);
    }

    [Fact]
    public async Task A_launch_beyond_the_nodes_memory_is_refused()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(f.Launch(NcFixture.NewInstanceId(), memoryMib: 4096)).ResponseAsync);
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.StartsWith("InsufficientInstanceCapacity: Not enough memory", error.Status.Detail);
    }

    [Fact]
    public async Task Unknown_images_and_digest_mismatches_fail_cleanly()
    {
        var unknown = f.Launch(NcFixture.NewInstanceId());
        unknown.RootDisk = f.Image("no-such-disk", new string('a', 64));
        var missing = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(unknown).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, missing.StatusCode);
        Assert.StartsWith("InvalidImage.NotFound", missing.Status.Detail);

        var tampered = f.Launch(NcFixture.NewInstanceId());
        tampered.Kernel = f.Image("vmlinux", new string('b', 64));
        var mismatch = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(tampered).ResponseAsync);
        Assert.StartsWith("InvalidImage.DigestMismatch", mismatch.Status.Detail);

        // Neither failed launch holds resources or leaves a VM.
        var node = await f.Client.DescribeNodeAsync(new DescribeNodeRequest());
        var states = (await f.Client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { unknown.InstanceId, tampered.InstanceId } })).Instances;
        Assert.All(states, s => Assert.Equal("terminated", s.State));
        Assert.All(states, s => Assert.Equal(0, s.Pid == 0 ? 0 : QemuVirtualMachine.IsAlive(s.Pid) ? 1 : 0));
        Assert.True(node.MemoryMibFree > 0);
    }

    [Fact]
    public async Task Malformed_requests_get_ec2_error_codes()
    {
        var bad = f.Launch("not-an-id");
        var malformed = await Assert.ThrowsAsync<RpcException>(() => f.Client.RunInstanceAsync(bad).ResponseAsync);
        Assert.StartsWith("InvalidInstanceID.Malformed", malformed.Status.Detail);
        var notFound = await Assert.ThrowsAsync<RpcException>(() => f.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = "i-00000000000000000" }).ResponseAsync);
        Assert.Equal(StatusCode.NotFound, notFound.StatusCode);
        Assert.StartsWith("InvalidInstanceID.NotFound", notFound.Status.Detail);
    }

    [Fact]
    public async Task A_client_certificate_not_signed_by_the_cloud_ca_is_refused()
    {
        using var pfx = Ironbark.Testing.IntruderCertificate.Create();
        using var channel = f.Channel(pfx);
        var client = new NodeController.NodeControllerClient(channel);
        var error = await Assert.ThrowsAsync<RpcException>(() => client.DescribeNodeAsync(new DescribeNodeRequest()).ResponseAsync);
        // The TLS handshake is refused: the call fails before any answer (gRPC reports Unavailable or, when the
        // connection drops mid-setup, Internal), never with an application status.
        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.NotNull(error.Status.DebugException); // a transport failure on the client, not a status the server sent

        // The cloud's own certificates are accepted.
        var node = await f.Client.DescribeNodeAsync(new DescribeNodeRequest());
        Assert.Equal("tcg", node.Acceleration);
        Assert.Equal("qemu", node.Hypervisor);
    }
}
