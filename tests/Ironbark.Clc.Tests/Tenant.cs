using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Clc.Identity;

namespace Ironbark.Clc.Tests;

/// <summary>
/// An account of its own for one test (so its address limit and its resources are the test's alone), with the test
/// guest shared to it by alice, and a way to launch and end instances of it.
/// </summary>
public sealed class Tenant(ClcFixture f, string accountId, AccessKey key, AmazonEC2Client ec2) : IAsyncDisposable
{
    private readonly List<string> _launched = [];

    public string AccountId { get; } = accountId;
    public AccessKey Key { get; } = key;
    public AmazonEC2Client Ec2 { get; } = ec2;

    public static async Task<Tenant> CreateAsync(ClcFixture f, string hint = "tenant")
    {
        var name = ClcFixture.Unique(hint);
        var account = await f.Accounts.CreateAccountAsync(name);
        var key = await f.Accounts.CreateAccessKeyAsync(name);
        foreach (var image in new[] { f.Guest.Machine, f.Guest.Kernel, f.Guest.Ramdisk })
            await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
            {
                ImageId = image, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { UserId = account.Id }] },
            });
        return new Tenant(f, account.Id, key, f.Client(key.AccessKeyId, key.SecretAccessKey));
    }

    /// <summary>Launches instances of the test guest in the compute zone; they are pending when this returns.</summary>
    public async Task<List<Instance>> LaunchAsync(int count = 1, params string[] groupIds)
    {
        var request = new RunInstancesRequest
        {
            ImageId = f.Guest.Machine, InstanceType = InstanceType.M1Small, MinCount = count, MaxCount = count,
            Placement = new Placement { AvailabilityZone = ClcFixture.ComputeZone },
        };
        if (groupIds.Length > 0)
            request.SecurityGroupIds = [.. groupIds];
        var instances = (await Ec2.RunInstancesAsync(request)).Reservation.Instances;
        _launched.AddRange(instances.Select(i => i.InstanceId));
        return instances;
    }

    public async Task<List<Instance>> LaunchRunningAsync(int count = 1) =>
        await Ec2.WaitForStateAsync("running", [.. (await LaunchAsync(count)).Select(i => i.InstanceId)]);

    public async Task TerminateAsync(params string[] ids)
    {
        await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. ids] });
        await Ec2.WaitForStateAsync("terminated", ids);
    }

    /// <summary>Ends what the test launched, also when it failed, so the node has room for the next test.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            var live = (await Ec2.DescribeAsync([.. _launched])).Where(i => i.State.Name != "terminated").Select(i => i.InstanceId).ToArray();
            if (live.Length > 0)
                await TerminateAsync(live);
        }
        finally
        {
            Ec2.Dispose();
        }
    }
}
