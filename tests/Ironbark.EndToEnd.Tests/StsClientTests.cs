using System.Text.Json;
using System.Text.RegularExpressions;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// STS GetCallerIdentity against `ironbark up` with the clients that ask it first: the Debian aws CLI, boto3, and
/// Ansible's amazon.aws (whose security group module needs the account id before it creates anything).
/// </summary>
public sealed partial class StsClientTests(CloudFixture f) : IClassFixture<CloudFixture>
{
    [Theory]
    [InlineData("")]
    [InlineData("/services/Tokens")]
    public async Task The_aws_cli_gets_the_admins_identity(string path)
    {
        var account = await AdminAccountIdAsync();
        var (code, stdout, stderr) = await ProcessRunner.RunAsync(AwsCli.Executable,
            ["--endpoint-url", f.Cloud.Admin.Ec2Url + path, "sts", "get-caller-identity", "--output", "json"], f.Cloud.Admin.ClientEnvironment());
        Assert.True(code == 0, $"aws sts get-caller-identity exited {code}:\n{stdout}\n{stderr}");

        var identity = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(account, identity.GetProperty("Account").GetString());
        Assert.Equal(account, identity.GetProperty("UserId").GetString());
        Assert.Equal($"arn:aws:iam::{account}:root", identity.GetProperty("Arn").GetString());
    }

    [Fact]
    public async Task The_aws_cli_with_a_deleted_key_is_refused_with_InvalidClientTokenId()
    {
        var created = await f.Cloud.RunCommandAsync("admin", "create-account", TestData.BucketName("sts"));
        var gone = f.Cloud.Admin.WithKeyFrom(created.Stdout);
        await f.Cloud.RunCommandAsync("admin", "delete-access-key", gone.AccessKeyId);

        var stderr = await new AwsCli(gone).FailsAsync("sts", "get-caller-identity");

        Assert.Contains("InvalidClientTokenId", stderr);
    }

    [Fact]
    public async Task Boto3_gets_the_admins_identity()
    {
        var account = await AdminAccountIdAsync();
        var script = Path.Combine(AppContext.BaseDirectory, "scripts", "boto3_sts.py");
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/python3", [script, f.Cloud.Admin.Ec2Url], f.Cloud.Admin.ClientEnvironment());
        Assert.True(code == 0, $"boto3 script failed ({code}):\n{stdout}\n{stderr}");

        var identity = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(account, identity.GetProperty("Account").GetString());
        Assert.Equal($"arn:aws:iam::{account}:root", identity.GetProperty("Arn").GetString());
    }

    [Fact]
    public async Task Ansible_creates_a_security_group_after_asking_sts_and_a_second_run_changes_nothing()
    {
        var account = await AdminAccountIdAsync();
        var group = TestData.BucketName("ansible");

        var first = await PlaybookAsync(group);
        var second = await PlaybookAsync(group);

        Assert.Equal(account, first.Groups["account"].Value);
        Assert.Equal($"arn:aws:iam::{account}:root", first.Groups["arn"].Value);
        Assert.Equal("True", first.Groups["changed"].Value);
        Assert.Equal(first.Groups["group"].Value, second.Groups["group"].Value);
        Assert.Equal("False", second.Groups["changed"].Value);
        var described = (await f.Cloud.AdminCli.JsonAsync("ec2", "describe-security-groups", "--group-ids", first.Groups["group"].Value))
            .GetProperty("SecurityGroups").EnumerateArray().Single();
        Assert.Equal(group, described.GetProperty("GroupName").GetString());
        var rule = Assert.Single(described.GetProperty("IpPermissions").EnumerateArray().ToList());
        Assert.Equal(("tcp", 22, 22), (rule.GetProperty("IpProtocol").GetString(), rule.GetProperty("FromPort").GetInt32(), rule.GetProperty("ToPort").GetInt32()));
        Assert.Equal("10.0.0.0/8", Assert.Single(rule.GetProperty("IpRanges").EnumerateArray().ToList()).GetProperty("CidrIp").GetString());
    }

    /// <summary>Runs scripts/ansible/security_group.yml; returns the line the playbook prints for the test.</summary>
    private async Task<Match> PlaybookAsync(string group)
    {
        var stdout = await AnsiblePlaybook.RunAsync(f.Cloud.Admin, "security_group.yml", new Dictionary<string, string> { ["group"] = group });
        var line = ResultLine().Match(stdout);
        Assert.True(line.Success, $"The playbook printed no result line:\n{stdout}");
        return line;
    }

    private async Task<string> AdminAccountIdAsync()
    {
        var (_, stdout, _) = await f.Cloud.RunCommandAsync("admin", "list-accounts");
        return stdout.Split('\n').Select(l => l.Split('\t')).First(columns => columns[0] == "admin")[1];
    }

    [GeneratedRegex(@"IRONBARK account=(?<account>\d{12}) arn=(?<arn>\S+) group=(?<group>sg-[0-9a-f]+) changed=(?<changed>True|False)")]
    private static partial Regex ResultLine();
}
