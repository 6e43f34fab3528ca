using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>`aws ec2` commands of the Debian aws CLI against the CLC of `ironbark up`.</summary>
public sealed class AwsEc2CliTests(CloudFixture f) : IClassFixture<CloudFixture>, IDisposable
{
    private readonly AwsCli _aws = f.Cloud.AdminCli;
    private readonly TempDir _work = new();

    [Fact]
    public async Task Describe_regions_names_the_cloud_and_its_EC2_endpoint()
    {
        var regions = await _aws.JsonAsync("ec2", "describe-regions");
        var region = Assert.Single(regions.GetProperty("Regions").EnumerateArray());
        Assert.Equal("ironbark", region.GetProperty("RegionName").GetString());
        Assert.Equal(f.Cloud.Admin.Ec2Url, region.GetProperty("Endpoint").GetString());
    }

    [Fact]
    public async Task Create_and_describe_key_pairs_and_the_key_works_with_ssh_keygen()
    {
        var name = TestData.BucketName("key");
        var created = await _aws.JsonAsync("ec2", "create-key-pair", "--key-name", name);
        var material = created.GetProperty("KeyMaterial").GetString()!;
        Assert.StartsWith("-----BEGIN RSA PRIVATE KEY-----", material);
        Assert.Matches("^key-[0-9a-f]{17}$", created.GetProperty("KeyPairId").GetString());

        var described = await _aws.JsonAsync("ec2", "describe-key-pairs", "--key-names", name);
        var key = Assert.Single(described.GetProperty("KeyPairs").EnumerateArray());
        Assert.Equal(created.GetProperty("KeyFingerprint").GetString(), key.GetProperty("KeyFingerprint").GetString());
        Assert.Equal("rsa", key.GetProperty("KeyType").GetString());

        var pem = _work.Combine("key.pem");
        await File.WriteAllTextAsync(pem, material);
        File.SetUnixFileMode(pem, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/ssh-keygen", ["-y", "-f", pem]);
        Assert.True(code == 0, stderr);
        Assert.StartsWith("ssh-rsa ", stdout);

        var missing = await _aws.FailsAsync("ec2", "describe-key-pairs", "--key-names", name + "-missing");
        Assert.Contains("InvalidKeyPair.NotFound", missing);
    }

    [Fact]
    public async Task Create_a_security_group_open_ssh_and_describe_it()
    {
        var name = TestData.BucketName("web");
        var groupId = (await _aws.JsonAsync("ec2", "create-security-group", "--group-name", name, "--description", "ssh from anywhere"))
            .GetProperty("GroupId").GetString()!;
        Assert.Matches("^sg-[0-9a-f]{17}$", groupId);
        await _aws.OkAsync("ec2", "authorize-security-group-ingress", "--group-id", groupId, "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0");

        var described = await _aws.JsonAsync("ec2", "describe-security-groups", "--group-ids", groupId);
        var group = Assert.Single(described.GetProperty("SecurityGroups").EnumerateArray());
        Assert.Equal(name, group.GetProperty("GroupName").GetString());
        var rule = Assert.Single(group.GetProperty("IpPermissions").EnumerateArray());
        Assert.Equal("tcp", rule.GetProperty("IpProtocol").GetString());
        Assert.Equal(22, rule.GetProperty("FromPort").GetInt32());
        Assert.Equal(22, rule.GetProperty("ToPort").GetInt32());
        Assert.Equal("0.0.0.0/0", Assert.Single(rule.GetProperty("IpRanges").EnumerateArray()).GetProperty("CidrIp").GetString());
        Assert.Equal("-1", Assert.Single(group.GetProperty("IpPermissionsEgress").EnumerateArray()).GetProperty("IpProtocol").GetString());

        var again = await _aws.FailsAsync("ec2", "authorize-security-group-ingress", "--group-id", groupId, "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0");
        Assert.Contains("InvalidPermission.Duplicate", again);
        var byName = await _aws.JsonAsync("ec2", "describe-security-groups", "--filters", $"Name=group-name,Values={name}");
        Assert.Equal(groupId, Assert.Single(byName.GetProperty("SecurityGroups").EnumerateArray()).GetProperty("GroupId").GetString());
    }

    public void Dispose() => _work.Dispose();
}
