using System.Text.Json;
using Ironbark.Testing;

namespace Ironbark.Clc.Tests;

/// <summary>The Debian aws CLI through an elastic IP's life: allocate, associate with a running instance, describe, disassociate, release.</summary>
[Collection(SqliteClc.Name)]
public sealed class AddressCliTests(SqliteClcFixture f)
{
    private const string Aws = "/usr/bin/aws";

    [Fact]
    public async Task The_aws_cli_allocates_associates_describes_disassociates_and_releases_an_address()
    {
        await using var carol = await Tenant.CreateAsync(f, "cli");
        var instanceId = (await carol.LaunchRunningAsync()).Single().InstanceId;

        var allocated = await JsonAsync(carol, "allocate-address", "--domain", "vpc");
        var allocationId = allocated.GetProperty("AllocationId").GetString()!;
        var publicIp = allocated.GetProperty("PublicIp").GetString()!;
        Assert.Equal("vpc", allocated.GetProperty("Domain").GetString());

        var associationId = (await JsonAsync(carol, "associate-address", "--allocation-id", allocationId, "--instance-id", instanceId))
            .GetProperty("AssociationId").GetString()!;
        var address = (await JsonAsync(carol, "describe-addresses", "--filters", $"Name=instance-id,Values={instanceId}"))
            .GetProperty("Addresses").EnumerateArray().Single();
        Assert.Equal((allocationId, publicIp, associationId), (address.GetProperty("AllocationId").GetString(), address.GetProperty("PublicIp").GetString(),
            address.GetProperty("AssociationId").GetString()));
        var shown = await JsonAsync(carol, "describe-instances", "--instance-ids", instanceId, "--query", "Reservations[0].Instances[0].PublicIpAddress");
        Assert.Equal(publicIp, shown.GetString());

        await JsonAsync(carol, "disassociate-address", "--association-id", associationId);
        address = (await JsonAsync(carol, "describe-addresses", "--allocation-ids", allocationId)).GetProperty("Addresses").EnumerateArray().Single();
        Assert.False(address.TryGetProperty("AssociationId", out _));
        await JsonAsync(carol, "release-address", "--allocation-id", allocationId);
        Assert.Empty((await JsonAsync(carol, "describe-addresses")).GetProperty("Addresses").EnumerateArray());

        var (code, _, stderr) = await RunAsync(carol, "release-address", "--allocation-id", allocationId);
        Assert.NotEqual(0, code);
        Assert.Contains("InvalidAllocationID.NotFound", stderr);
    }

    private async Task<JsonElement> JsonAsync(Tenant t, params string[] args)
    {
        var (code, stdout, stderr) = await RunAsync(t, [.. args, "--output", "json"]);
        Assert.True(code == 0, $"aws ec2 {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
        return JsonDocument.Parse(string.IsNullOrWhiteSpace(stdout) ? "{}" : stdout).RootElement.Clone();
    }

    private Task<(int Code, string Stdout, string Stderr)> RunAsync(Tenant t, params string[] args) =>
        ProcessRunner.RunAsync(Aws, ["--endpoint-url", f.Endpoint.ToString(), "ec2", .. args], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = t.Key.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = t.Key.SecretAccessKey, ["AWS_DEFAULT_REGION"] = "ironbark",
            ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null", ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_PAGER"] = "",
        });
}
