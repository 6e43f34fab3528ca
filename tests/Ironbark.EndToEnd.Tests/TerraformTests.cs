using System.Text.Json;
using System.Text.RegularExpressions;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// The tools that build infrastructure against `ironbark up` with the test guest, each step checked through the EC2 API:
/// Terraform's AWS provider (hashicorp/aws 5.100.0, from the filesystem mirror) applies scripts/terraform/main.tf, plans again
/// with no changes and destroys it; Ansible's amazon.aws launches an instance with its modules' defaults, finds it again and
/// removes it.
/// </summary>
public sealed partial class TerraformTests(ComputeCloudFixture f) : IClassFixture<ComputeCloudFixture>
{
    [Fact]
    public async Task Terraform_applies_a_VPC_instance_with_groups_and_an_elastic_IP_plans_no_change_and_destroys_it_all()
    {
        using var work = new TempDir();
        var terraform = new TerraformRun(work, f.Cloud.Admin);
        var name = TestData.BucketName("tf");
        using var ec2 = Ec2Client();

        await terraform.InitAsync();
        await terraform.OkAsync(["apply", "-auto-approve", .. Variables(name, await PublicKeyAsync(work))]);
        var output = await terraform.OutputsAsync();

        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new("is-default", ["true"])] })).Vpcs.Single();
        Assert.Equal(vpc.VpcId, output["vpc_id"].GetString());
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new("vpc-id", [vpc.VpcId])] })).Subnets.Select(s => s.SubnetId).Order();
        Assert.Equal(subnets, output["subnet_ids"].EnumerateArray().Select(s => s.GetString()!).Order());

        var (webId, adminId) = (output["security_group_id"].GetString()!, output["admin_group_id"].GetString()!);
        var groups = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [webId, adminId] })).SecurityGroups.ToDictionary(g => g.GroupId);
        Assert.All(groups.Values, g => Assert.Equal(vpc.VpcId, g.VpcId));
        var ssh = Assert.Single(groups[webId].IpPermissions);
        Assert.Equal(("tcp", 22, 22, "10.0.0.0/8"), (ssh.IpProtocol, ssh.FromPort, ssh.ToPort, Assert.Single(ssh.Ipv4Ranges).CidrIp));
        var all = Assert.Single(groups[webId].IpPermissionsEgress);
        Assert.Equal(("-1", "0.0.0.0/0"), (all.IpProtocol, Assert.Single(all.Ipv4Ranges).CidrIp));
        var http = Assert.Single(groups[adminId].IpPermissions);
        Assert.Equal(("tcp", 80, 80, "192.168.0.0/16"), (http.IpProtocol, http.FromPort, http.ToPort, Assert.Single(http.Ipv4Ranges).CidrIp));
        // A group made by Terraform loses AWS's default allow-all egress unless the config has it.
        Assert.Empty(groups[adminId].IpPermissionsEgress ?? []);

        var instanceId = output["instance_id"].GetString()!;
        var instance = await InstanceAsync(ec2, instanceId);
        Assert.Equal("running", instance.State.Name.Value);
        Assert.Equal(Assert.Single(subnets), instance.SubnetId);
        Assert.Equal(vpc.VpcId, instance.VpcId);
        Assert.Equal(name, instance.KeyName);
        Assert.Equal(new[] { adminId, webId }.Order(StringComparer.Ordinal), instance.SecurityGroups.Select(g => g.GroupId).Order(StringComparer.Ordinal));
        Assert.Equal(name, instance.Tags.Single(t => t.Key == "Name").Value);
        var address = (await ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [output["allocation_id"].GetString()!] })).Addresses.Single();
        Assert.Equal((instanceId, output["public_ip"].GetString()), (address.InstanceId, address.PublicIp));
        Assert.Equal(address.PublicIp, instance.PublicIpAddress);
        Assert.Single((await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { KeyNames = [name] })).KeyPairs ?? []);

        var (planCode, planOut, planErr) = await terraform.RunAsync(["plan", "-detailed-exitcode", .. Variables(name, await File.ReadAllTextAsync(work.Combine("id_ed25519.pub")))]);
        Assert.True(planCode == 0, $"A second plan should find no changes (exit 0), exited {planCode}:\n{planOut}\n{planErr}");

        await terraform.OkAsync(["destroy", "-auto-approve", .. Variables(name, await File.ReadAllTextAsync(work.Combine("id_ed25519.pub")))]);
        Assert.Equal("terminated", (await InstanceAsync(ec2, instanceId)).State.Name.Value);
        Assert.Empty((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new("group-name", [name, $"{name}-admin"])] })).SecurityGroups ?? []);
        Assert.Empty((await ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = [new("allocation-id", [address.AllocationId])] })).Addresses ?? []);
        Assert.Empty((await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new("key-name", [name])] })).KeyPairs ?? []);
        Assert.Empty((await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [new("attachment.instance-id", [instanceId])] })).NetworkInterfaces ?? []);
    }

    [Fact]
    public async Task Ansible_launches_an_instance_in_the_default_VPC_finds_it_again_and_removes_it()
    {
        using var work = new TempDir();
        var name = TestData.BucketName("ans");
        var variables = new Dictionary<string, string> { ["name"] = name, ["image_id"] = f.ImageId, ["public_key"] = (await PublicKeyAsync(work)).Trim() };
        using var ec2 = Ec2Client();

        var first = await InstancePlaybookAsync(PresentLine(), variables, "present");
        var second = await InstancePlaybookAsync(PresentLine(), variables, "present");

        // ec2_instance found the default VPC and its subnet by itself (it stops at "Could not describe default VPC" without them).
        var vpc = (await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new("is-default", ["true"])] })).Vpcs.Single();
        var subnet = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new("vpc-id", [vpc.VpcId])] })).Subnets.Single();
        Assert.Equal(("True", vpc.VpcId, subnet.SubnetId), (first.Groups["changed"].Value, first.Groups["vpc"].Value, first.Groups["subnet"].Value));
        // The module reports the instance as RunInstances answered it (pending); with wait: true it returns once it runs.
        Assert.Contains(first.Groups["state"].Value, new[] { "pending", "running" });
        Assert.Equal("running", second.Groups["state"].Value);
        var instanceId = first.Groups["instance"].Value;
        var instance = await InstanceAsync(ec2, instanceId);
        Assert.Equal(("running", name, name), (instance.State.Name.Value, instance.KeyName, instance.Tags.Single(t => t.Key == "Name").Value));
        Assert.Equal(first.Groups["group"].Value, Assert.Single(instance.SecurityGroups).GroupId);
        var group = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [first.Groups["group"].Value] })).SecurityGroups.Single();
        Assert.Equal(vpc.VpcId, group.VpcId);
        // The second run finds the instance by its Name tag and changes nothing.
        Assert.Equal((instanceId, first.Groups["group"].Value, "False"), (second.Groups["instance"].Value, second.Groups["group"].Value, second.Groups["changed"].Value));
        Assert.Single((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new("tag:Name", [name]), new("instance-state-name", ["running"])] })).Reservations);

        var absent = await InstancePlaybookAsync(AbsentLine(), variables, "absent");

        Assert.Equal((instanceId, "True"), (absent.Groups["terminated"].Value, absent.Groups["changed"].Value));
        Assert.Equal("terminated", (await InstanceAsync(ec2, instanceId)).State.Name.Value);
        Assert.Empty((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new("group-name", [name])] })).SecurityGroups ?? []);
        Assert.Empty((await ec2.DescribeKeyPairsAsync(new DescribeKeyPairsRequest { Filters = [new("key-name", [name])] })).KeyPairs ?? []);
    }

    /// <summary>Runs scripts/ansible/instance.yml with <paramref name="state"/>; returns the line it prints for the test.</summary>
    private async Task<Match> InstancePlaybookAsync(Regex result, Dictionary<string, string> variables, string state)
    {
        var stdout = await AnsiblePlaybook.RunAsync(f.Cloud.Admin, "instance.yml", new Dictionary<string, string>(variables) { ["state"] = state });
        var line = result.Match(stdout);
        Assert.True(line.Success, $"The playbook (state={state}) printed no result line:\n{stdout}");
        return line;
    }

    [GeneratedRegex(@"IRONBARK group=(?<group>sg-[0-9a-f]+) instance=(?<instance>i-[0-9a-f]+) changed=(?<changed>True|False) state=(?<state>[a-z-]+) vpc=(?<vpc>vpc-[0-9a-f]+) subnet=(?<subnet>subnet-[0-9a-f]+)")]
    private static partial Regex PresentLine();

    [GeneratedRegex(@"IRONBARK terminated=(?<terminated>[-0-9a-fi,]*) changed=(?<changed>True|False)")]
    private static partial Regex AbsentLine();

    private string[] Variables(string name, string publicKey) =>
    [
        "-var", $"ec2_endpoint={f.Cloud.Admin.Ec2Url}", "-var", $"s3_endpoint={f.Cloud.Admin.S3Url}", "-var", $"region={f.Cloud.Admin.Region}",
        "-var", $"image_id={f.ImageId}", "-var", $"name={name}", "-var", $"public_key={publicKey.Trim()}",
    ];

    private static async Task<string> PublicKeyAsync(TempDir work)
    {
        var (code, _, stderr) = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "terraform-test", "-f", work.Combine("id_ed25519")]);
        Assert.True(code == 0, stderr);
        return await File.ReadAllTextAsync(work.Combine("id_ed25519.pub"));
    }

    private static async Task<Instance> InstanceAsync(AmazonEC2Client ec2, string id) =>
        (await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] })).Reservations.Single().Instances.Single();

    private AmazonEC2Client Ec2Client() => new(new BasicAWSCredentials(f.Cloud.Admin.AccessKeyId, f.Cloud.Admin.SecretAccessKey),
        new AmazonEC2Config { ServiceURL = f.Cloud.Admin.Ec2Url, AuthenticationRegion = f.Cloud.Admin.Region, MaxErrorRetry = 0 });
}
