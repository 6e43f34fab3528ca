using Ironbark.Nc.Drivers.Qemu;
using System.Text.Json;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>`ironbark up` with the test guest installed; the aws CLI and boto3 launch, inspect and terminate real VMs through it.</summary>
public sealed class ComputeTests(ComputeCloudFixture f) : IClassFixture<ComputeCloudFixture>
{
    private readonly AwsCli _aws = f.Cloud.AdminCli;

    [Fact]
    public async Task The_aws_CLI_runs_two_guests_with_user_data_tags_reboots_and_terminates_them()
    {
        var key = TestData.BucketName("key");
        await _aws.OkAsync("ec2", "create-key-pair", "--key-name", key);
        var group = TestData.BucketName("web");
        await _aws.OkAsync("ec2", "create-security-group", "--group-name", group, "--description", "cli");
        var run = await _aws.JsonAsync("ec2", "run-instances", "--image-id", f.ImageId, "--count", "2", "--instance-type", "m1.small",
            "--key-name", key, "--security-groups", group, "--user-data", "#!/bin/sh\necho cli-was-here\n",
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=suite,Value=e2e}]");
        var ids = run.GetProperty("Instances").EnumerateArray().Select(i => i.GetProperty("InstanceId").GetString()!).ToArray();
        Assert.Equal(2, ids.Length);

        await WaitForStateAsync("running", ids);
        foreach (var id in ids)
            Assert.Contains("IRONBARK-USERDATA cli-was-here", await ConsoleAsync(id, "IRONBARK-USERDATA-DONE"));
        var pids = ids.Select(f.QemuPidOf).ToArray();
        Assert.All(pids, pid => Assert.True(QemuVirtualMachine.IsAlive(pid)));

        // The operator's view of the node: up, and holding (at least) these two.
        var nodes = await IronbarkBinary.RunOkAsync("admin", "describe-nodes", "--data-dir", f.Cloud.DataDir);
        Assert.Contains("Cluster ironbark-a", nodes);
        var node = nodes.Split('\n')[2].Split('\t');
        Assert.Equal("up", node[2]);
        Assert.True(int.Parse(node[5]) >= 2, nodes);

        await _aws.OkAsync("ec2", "create-tags", "--resources", ids[0], "--tags", "Key=name,Value=first");
        Assert.Equal([ids[0]], await FilteredAsync("Name=tag:name,Values=first", "Name=tag:suite,Values=e2e"));
        Assert.Equal(ids.Order(), (await FilteredAsync("Name=tag:suite,Values=e2e", $"Name=key-name,Values={key}")).Order());

        await _aws.OkAsync("ec2", "reboot-instances", "--instance-ids", ids[1]);
        await ConsoleAsync(ids[1], $"IRONBARK-READY instance-id={ids[1]}", times: 2);

        var terminating = await _aws.JsonAsync("ec2", "terminate-instances", "--instance-ids", ids[0], ids[1]);
        Assert.All(terminating.GetProperty("TerminatingInstances").EnumerateArray(),
            t => Assert.Equal("shutting-down", t.GetProperty("CurrentState").GetProperty("Name").GetString()));
        await WaitForStateAsync("terminated", ids);
        Assert.All(pids, pid => Assert.False(QemuVirtualMachine.IsAlive(pid)));

        Assert.Contains("InvalidInstanceID.NotFound", await _aws.FailsAsync("ec2", "describe-instances", "--instance-ids", "i-00000000000000000"));
        Assert.Contains("InvalidInstanceID.Malformed", await _aws.FailsAsync("ec2", "terminate-instances", "--instance-ids", "i-bad"));
    }

    [Fact]
    public async Task Boto3_launches_two_reads_their_consoles_tags_reboots_and_terminates_them()
    {
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "boto3_ec2.py");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/python3", [script, f.Cloud.Admin.Ec2Url, f.ImageId],
            f.Cloud.Admin.ClientEnvironment(), timeout: TimeSpan.FromMinutes(5));
        Assert.True(code == 0, $"boto3 script failed ({code}):\n{stdout}\n{stderr}");
        var ids = JsonDocument.Parse(stdout).RootElement.GetProperty("instance_ids").EnumerateArray().Select(i => i.GetString()!).ToList();
        Assert.Equal(2, ids.Count);
        foreach (var id in ids)
        {
            Assert.Equal("terminated", (await DescribeAsync(id)).GetProperty("State").GetProperty("Name").GetString());
            Assert.Equal(0, f.QemuPidOf(id) is var pid && pid > 0 && QemuVirtualMachine.IsAlive(pid) ? pid : 0);
        }
    }

    [Fact]
    public async Task A_killed_cloud_comes_back_with_its_VM_still_running_and_leaves_no_orphan()
    {
        var run = await _aws.JsonAsync("ec2", "run-instances", "--image-id", f.ImageId, "--count", "1");
        var id = run.GetProperty("Instances")[0].GetProperty("InstanceId").GetString()!;
        await WaitForStateAsync("running", id);
        var pid = f.QemuPidOf(id);

        await f.Cloud.Process.KillAsync();
        Assert.True(QemuVirtualMachine.IsAlive(pid), "the VM must outlive a crash of the cloud");
        await f.Cloud.StartProcessAsync();
        var aws = f.Cloud.AdminCli;
        Assert.Equal("running", (await DescribeAsync(id, aws)).GetProperty("State").GetProperty("Name").GetString());
        Assert.Equal(pid, f.QemuPidOf(id));

        await aws.OkAsync("ec2", "terminate-instances", "--instance-ids", id);
        await WaitForStateAsync("terminated", [id], aws);
        Assert.False(QemuVirtualMachine.IsAlive(pid));
    }

    /// <summary>Run by the guest: IMDSv1 first, then (once it stops working) what a token-less and a tokened request get, live on the console.</summary>
    private const string MetadataWatcher = """
        #!/bin/sh
        md=http://169.254.169.254/latest/meta-data
        echo "IRONBARK-IMDS v1=$(wget -q -O - $md/instance-id)" > /dev/console
        i=0
        while wget -q -O /dev/null $md/instance-id 2>/dev/null && [ $i -lt 600 ]; do i=$((i + 1)); sleep 0.5; done
        tokenless=$( (printf 'GET /latest/meta-data/instance-id HTTP/1.0\r\n\r\n'; sleep 2) | nc 169.254.169.254 80 | head -n 1)
        token=$( (printf 'PUT /latest/api/token HTTP/1.1\r\nHost: 169.254.169.254\r\nConnection: close\r\nContent-Length: 0\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\n\r\n'; sleep 2) | nc 169.254.169.254 80 | tail -n 1)
        echo "IRONBARK-IMDS tokenless=$tokenless v2=$(wget -q -O - --header "X-aws-ec2-metadata-token: $token" $md/instance-id)" > /dev/console
        """;

    [Fact]
    public async Task The_aws_CLI_requires_IMDSv2_on_a_running_guest_and_the_guest_sees_it()
    {
        var run = await _aws.JsonAsync("ec2", "run-instances", "--image-id", f.ImageId, "--count", "1",
            "--metadata-options", "HttpTokens=optional,HttpPutResponseHopLimit=2,HttpEndpoint=enabled", "--user-data", MetadataWatcher);
        var launched = run.GetProperty("Instances")[0];
        var id = launched.GetProperty("InstanceId").GetString()!;
        Assert.Equal(2, launched.GetProperty("MetadataOptions").GetProperty("HttpPutResponseHopLimit").GetInt32());
        await ConsoleAsync(id, $"IRONBARK-IMDS v1={id}");

        var modified = await _aws.JsonAsync("ec2", "modify-instance-metadata-options", "--instance-id", id, "--http-tokens", "required");
        Assert.Equal("pending", modified.GetProperty("InstanceMetadataOptions").GetProperty("State").GetString());
        var console = await ConsoleAsync(id, "IRONBARK-IMDS tokenless=");
        Assert.Matches($@"IRONBARK-IMDS tokenless=HTTP/1\.1 401 Unauthorized\s* v2={id}", console);
        var options = (await DescribeAsync(id)).GetProperty("MetadataOptions");
        Assert.Equal(("applied", "required", 2, "enabled"), (options.GetProperty("State").GetString(), options.GetProperty("HttpTokens").GetString(),
            options.GetProperty("HttpPutResponseHopLimit").GetInt32(), options.GetProperty("HttpEndpoint").GetString()));
        Assert.Contains("InvalidParameterValue", await _aws.FailsAsync("ec2", "modify-instance-metadata-options", "--instance-id", id,
            "--http-put-response-hop-limit", "65"));

        await _aws.OkAsync("ec2", "terminate-instances", "--instance-ids", id);
        await WaitForStateAsync("terminated", id);
    }

    private Task WaitForStateAsync(string state, params string[] ids) => WaitForStateAsync(state, ids, f.Cloud.AdminCli);

    private static async Task WaitForStateAsync(string state, string[] ids, AwsCli aws)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var described = await aws.JsonAsync(["ec2", "describe-instances", "--instance-ids", .. ids]);
            var states = described.GetProperty("Reservations").EnumerateArray().SelectMany(r => r.GetProperty("Instances").EnumerateArray())
                .Select(i => i.GetProperty("State").GetProperty("Name").GetString()).ToList();
            if (states.Count == ids.Length && states.All(s => s == state))
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{string.Join(", ", ids)} did not all reach {state}: {string.Join(", ", states)}");
            await Task.Delay(500);
        }
    }

    private async Task<JsonElement> DescribeAsync(string id, AwsCli? aws = null) =>
        (await (aws ?? _aws).JsonAsync("ec2", "describe-instances", "--instance-ids", id)).GetProperty("Reservations")[0].GetProperty("Instances")[0];

    private async Task<List<string>> FilteredAsync(params string[] filters) =>
        (await _aws.JsonAsync(["ec2", "describe-instances", "--filters", .. filters])).GetProperty("Reservations").EnumerateArray()
        .SelectMany(r => r.GetProperty("Instances").EnumerateArray()).Select(i => i.GetProperty("InstanceId").GetString()!).ToList();

    private async Task<string> ConsoleAsync(string id, string marker, int times = 1)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var output = (await _aws.JsonAsync("ec2", "get-console-output", "--instance-id", id)).TryGetProperty("Output", out var o) ? o.GetString() ?? "" : "";
            if (output.Split(marker).Length - 1 >= times)
                return output;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"'{marker}' x{times} did not appear on the console of {id}:\n{output}");
            await Task.Delay(500);
        }
    }
}

/// <summary>A cloud of `ironbark up --demo-guest`, once the guest is registered.</summary>
public sealed class ComputeCloudFixture : IAsyncLifetime
{
    public Cloud Cloud { get; private set; } = null!;
    public string ImageId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var guest = await TestGuest.BuildAsync();
        Cloud = await Cloud.StartAsync(demoGuest: Path.GetDirectoryName(guest.Kernel));
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (ImageId.Length == 0)
        {
            var images = await Cloud.AdminCli.JsonAsync("ec2", "describe-images", "--filters", "Name=name,Values=ironbark-test-guest");
            if (images.GetProperty("Images").GetArrayLength() == 1)
                ImageId = images.GetProperty("Images")[0].GetProperty("ImageId").GetString()!;
            else if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"up did not install the test guest:\n{Cloud.Process.Output}");
            else
                await Task.Delay(500);
        }
    }

    /// <summary>The QEMU pid of an instance, from its directory on the node (0 when there is none).</summary>
    public int QemuPidOf(string instanceId)
    {
        var file = Path.Combine(Cloud.DataDir, "nc", "instances", instanceId, "qemu.pid");
        return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) ? pid : 0;
    }

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
            await Cloud.DisposeAsync();
    }
}
