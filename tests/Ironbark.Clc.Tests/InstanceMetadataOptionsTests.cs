using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests;

/// <summary>
/// Instance metadata options through the EC2 API (RunInstances MetadataOptions, ModifyInstanceMetadataOptions,
/// DescribeInstances metadataOptions) with AWSSDK.EC2, carried CLC → CC → NC, and enforced by the node's metadata
/// service, as seen by the guest itself and by requests made the way the guest's forwarder makes them.
/// </summary>
public abstract class InstanceMetadataOptionsTests(ClcFixture f)
{
    private const string Instance = "/latest/meta-data/instance-id";

    private RunInstancesRequest Launch(InstanceMetadataOptionsRequest? options) => new()
    {
        ImageId = f.Guest.Machine, InstanceType = InstanceType.M1Small, MinCount = 1, MaxCount = 1,
        Placement = new Placement { AvailabilityZone = ClcFixture.ComputeZone }, MetadataOptions = options,
    };

    /// <summary>The fixture's node keeps its state under the data directory (NcOptions.MetadataSocket).</summary>
    private MetadataProbe Probe(string instanceId) => new(Path.Combine(f.DataDir, "nc", "metadata.sock"), instanceId);

    private Task<ModifyInstanceMetadataOptionsResponse> ModifyAsync(string instanceId, Action<ModifyInstanceMetadataOptionsRequest> change)
    {
        var request = new ModifyInstanceMetadataOptionsRequest { InstanceId = instanceId };
        change(request);
        return f.AliceEc2.ModifyInstanceMetadataOptionsAsync(request);
    }

    private async Task<InstanceMetadataOptionsResponse> WaitAppliedAsync(string instanceId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var options = (await f.AliceEc2.DescribeAsync(instanceId))[0].MetadataOptions;
            if (options.State == InstanceMetadataOptionsState.Applied)
                return options;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The metadata options of {instanceId} stayed {options.State}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Options_launched_with_and_modified_on_a_running_instance_are_enforced_by_its_node()
    {
        var launched = (await f.AliceEc2.RunInstancesAsync(Launch(new InstanceMetadataOptionsRequest
        {
            HttpTokens = HttpTokensState.Required, HttpPutResponseHopLimit = 3,
        }))).Reservation.Instances[0];
        var id = launched.InstanceId;
        Assert.Equal(InstanceMetadataOptionsState.Pending, launched.MetadataOptions.State);
        Assert.Equal(HttpTokensState.Required, launched.MetadataOptions.HttpTokens);
        Assert.Equal(3, launched.MetadataOptions.HttpPutResponseHopLimit);
        Assert.Equal(InstanceMetadataEndpointState.Enabled, launched.MetadataOptions.HttpEndpoint);
        Assert.Equal(InstanceMetadataProtocolState.Disabled, launched.MetadataOptions.HttpProtocolIpv6);
        Assert.Equal(InstanceMetadataTagsState.Disabled, launched.MetadataOptions.InstanceMetadataTags);
        await f.AliceEc2.WaitForStateAsync("running", id);
        var applied = await WaitAppliedAsync(id);
        Assert.Equal(HttpTokensState.Required, applied.HttpTokens);
        Assert.Equal(3, applied.HttpPutResponseHopLimit);

        // The guest's init asks without a token (IMDSv1): refused, it never learns its instance id.
        var console = await f.AliceEc2.WaitForConsoleAsync(id, "IRONBARK-READY");
        Assert.Contains("IRONBARK-ERROR metadata", console);
        Assert.Contains("IRONBARK-READY instance-id= ", console);
        var probe = Probe(id);
        Assert.Equal(401, (await probe.GetAsync(Instance)).Status);
        var (tokenStatus, token) = await probe.PutTokenAsync();
        Assert.Equal(200, tokenStatus);
        Assert.Equal((200, id), await probe.GetAsync(Instance, token));
        Assert.Equal(401, (await probe.GetAsync(Instance, "not-a-token")).Status);
        // A token PUT that came through a proxy gets no token.
        Assert.Equal(403, (await probe.PutTokenAsync(forwardedFor: "203.0.113.7")).Status);

        var modified = await ModifyAsync(id, r => r.HttpTokens = HttpTokensState.Optional);
        Assert.Equal(id, modified.InstanceId);
        Assert.Equal(InstanceMetadataOptionsState.Pending, modified.InstanceMetadataOptions.State);
        Assert.Equal(HttpTokensState.Optional, modified.InstanceMetadataOptions.HttpTokens);
        Assert.Equal(3, modified.InstanceMetadataOptions.HttpPutResponseHopLimit);
        Assert.Equal(InstanceMetadataEndpointState.Enabled, modified.InstanceMetadataOptions.HttpEndpoint);
        Assert.Equal(HttpTokensState.Optional, (await WaitAppliedAsync(id)).HttpTokens);
        Assert.Equal((200, id), await probe.GetAsync(Instance));

        await ModifyAsync(id, r => (r.HttpEndpoint, r.HttpPutResponseHopLimit) = (InstanceMetadataEndpointState.Disabled, 64));
        var disabled = await WaitAppliedAsync(id);
        Assert.Equal(InstanceMetadataEndpointState.Disabled, disabled.HttpEndpoint);
        Assert.Equal(64, disabled.HttpPutResponseHopLimit);
        Assert.Equal(403, (await probe.GetAsync(Instance)).Status);
        Assert.Equal(403, (await probe.GetAsync(Instance, token)).Status);
        Assert.Equal(403, (await probe.PutTokenAsync()).Status);

        // A restarted node enforces what was last applied; a restarted CLC reports it.
        await f.StopNodeAsync();
        await f.StartNodeAsync();
        Assert.Equal(403, (await probe.GetAsync(Instance)).Status);
        await f.RestartClcAsync();
        var kept = (await f.AliceEc2.DescribeAsync(id))[0].MetadataOptions;
        Assert.Equal((InstanceMetadataOptionsState.Applied, InstanceMetadataEndpointState.Disabled, HttpTokensState.Optional, 64),
            (kept.State, kept.HttpEndpoint, kept.HttpTokens, kept.HttpPutResponseHopLimit));

        // Bad input: the AWS error, and nothing changed.
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.HttpTokens = "maybe"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.HttpPutResponseHopLimit = 0));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.HttpPutResponseHopLimit = 65));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.HttpEndpoint = "off"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.HttpProtocolIpv6 = InstanceMetadataProtocolState.Enabled));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => ModifyAsync(id, r => r.InstanceMetadataTags = InstanceMetadataTagsState.Enabled));
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed,
            () => ModifyAsync(id, r => (r.HttpEndpoint, r.DryRun) = (InstanceMetadataEndpointState.Enabled, true)));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => ModifyAsync("i-0123456789abcdef0", r => r.HttpTokens = HttpTokensState.Required));
        await Ec2Assert.FailsAsync("InvalidInstanceID.Malformed", () => ModifyAsync("i-nope", r => r.HttpTokens = HttpTokensState.Required));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.ModifyInstanceMetadataOptionsAsync(
            new ModifyInstanceMetadataOptionsRequest { InstanceId = id, HttpEndpoint = InstanceMetadataEndpointState.Enabled }));
        var unchanged = (await f.AliceEc2.DescribeAsync(id))[0].MetadataOptions;
        Assert.Equal((InstanceMetadataOptionsState.Applied, InstanceMetadataEndpointState.Disabled, HttpTokensState.Optional, 64),
            (unchanged.State, unchanged.HttpEndpoint, unchanged.HttpTokens, unchanged.HttpPutResponseHopLimit));
        Assert.Equal(403, (await probe.GetAsync(Instance)).Status);

        await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] });
        await f.AliceEc2.WaitForStateAsync("terminated", id);
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () => ModifyAsync(id, r => r.HttpEndpoint = InstanceMetadataEndpointState.Enabled));
    }

    [Fact]
    public async Task A_launch_gets_EC2s_defaults_and_bad_options_launch_nothing()
    {
        var before = await CountAsync();
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(Launch(new() { HttpTokens = "always" })));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(Launch(new() { HttpPutResponseHopLimit = 65 })));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(Launch(new() { HttpEndpoint = "on" })));
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.RunInstancesAsync(Launch(new() { HttpProtocolIpv6 = InstanceMetadataProtocolState.Enabled })));
        Assert.Equal(before, await CountAsync());

        var launched = (await f.AliceEc2.RunInstancesAsync(Launch(null))).Reservation.Instances[0];
        try
        {
            var o = launched.MetadataOptions;
            Assert.Equal((HttpTokensState.Optional, 1, InstanceMetadataEndpointState.Enabled), (o.HttpTokens, o.HttpPutResponseHopLimit, o.HttpEndpoint));
            // Not running yet: nothing to modify (it launches with the options it has).
            await Ec2Assert.FailsAsync("IncorrectInstanceState", () => ModifyAsync(launched.InstanceId, r => r.HttpTokens = HttpTokensState.Required));
        }
        finally
        {
            await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [launched.InstanceId] });
            await f.AliceEc2.WaitForStateAsync("terminated", launched.InstanceId);
        }
    }

    private async Task<int> CountAsync() =>
        ((await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? []).Sum(r => r.Instances.Count);
}

[Collection(SqliteClc.Name)]
public sealed class SqliteInstanceMetadataOptionsTests(SqliteClcFixture f) : InstanceMetadataOptionsTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresInstanceMetadataOptionsTests(PostgresClcFixture f) : InstanceMetadataOptionsTests(f);
