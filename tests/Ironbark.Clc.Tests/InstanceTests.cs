using Ironbark.Nc.Drivers.Qemu;
using System.Net;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Testing;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;

namespace Ironbark.Clc.Tests;

/// <summary>RunInstances through the CLC, its CC and a real NC with the QEMU test guest, and everything after it, with AWSSDK.EC2.</summary>
public abstract class InstanceTests(ClcFixture f)
{
    private const string UserData = "#!/bin/sh\nmd=http://169.254.169.254/latest/meta-data\n" +
                                    "echo \"hello from $(wget -q -O - $md/instance-id) at $(wget -q -O - $md/local-ipv4) mac $(wget -q -O - $md/mac)\"\n";

    private RunInstancesRequest Launch(int count = 1) => new()
    {
        ImageId = f.Guest.Machine, InstanceType = InstanceType.M1Small, MinCount = count, MaxCount = count,
        Placement = new Placement { AvailabilityZone = ClcFixture.ComputeZone },
    };

    private async Task TerminateAndWaitAsync(IAmazonEC2 ec2, params string[] ids)
    {
        await ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. ids] });
        await ec2.WaitForStateAsync("terminated", ids);
    }

    private int PidOf(string instanceId) => f.Node.Instances.Find(instanceId).Vm?.Pid ?? 0;

    [Fact]
    public async Task Two_instances_boot_with_user_data_are_tagged_filtered_rebooted_and_terminated()
    {
        var key = ClcFixture.Unique("key");
        await f.AliceEc2.CreateKeyPairAsync(new CreateKeyPairRequest { KeyName = key });
        var group = ClcFixture.Unique("web");
        var groupId = (await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = group, Description = "web" })).GroupId;
        var request = Launch(2);
        request.KeyName = key;
        request.SecurityGroups = [group];
        request.UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(UserData));
        // As Ansible's ec2_instance sends them: the instance's, its interface's and its volumes' (it has none: instance store).
        request.TagSpecifications =
        [
            new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("role", "web")] },
            new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("nic", group)] },
            new TagSpecification { ResourceType = ResourceType.Volume, Tags = [new Tag("role", "web")] },
        ];

        var reservation = (await f.AliceEc2.RunInstancesAsync(request)).Reservation;
        Assert.Matches("^r-[0-9a-f]{17}$", reservation.ReservationId);
        Assert.Equal(f.AliceAccountId, reservation.OwnerId);
        Assert.Equal(2, reservation.Instances.Count);
        Assert.All(reservation.Instances, i =>
        {
            Assert.Matches("^i-[0-9a-f]{17}$", i.InstanceId);
            Assert.Equal("pending", i.State.Name.Value);
            Assert.Equal(0, i.State.Code);
            Assert.Equal(key, i.KeyName);
            Assert.Equal(ClcFixture.ComputeZone, i.Placement.AvailabilityZone);
            Assert.Equal(groupId, Assert.Single(i.SecurityGroups).GroupId);
            Assert.Equal(f.Guest.Kernel, i.KernelId);
        });
        var ids = reservation.Instances.Select(i => i.InstanceId).ToArray();
        Assert.Equal([0, 1], reservation.Instances.Select(i => i.AmiLaunchIndex!.Value).Order());

        var running = await f.AliceEc2.WaitForStateAsync("running", ids);
        Assert.All(running, i => Assert.Equal(16, i.State.Code));
        var tagged = await f.AliceEc2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = [new Filter("tag:nic", [group])] });
        Assert.Equal(running.Select(i => i.NetworkInterfaces.Single().NetworkInterfaceId).Order(StringComparer.Ordinal),
            tagged.NetworkInterfaces.Select(n => n.NetworkInterfaceId).Order(StringComparer.Ordinal));
        Assert.All(running, i => Assert.DoesNotContain(i.Tags, t => t.Key == "nic"));
        foreach (var id in ids)
        {
            var console = await f.AliceEc2.WaitForConsoleAsync(id, "IRONBARK-USERDATA-DONE");
            // The private address and MAC DescribeInstances gives (the CC's, in the default subnet) are what the metadata service tells the
            // guest. This node runs USER networking (NcOptions.Network user), the fallback: the guest itself is alone at 169.254.169.15.
            var described = running.Single(i => i.InstanceId == id);
            Assert.StartsWith("172.31.", described.PrivateIpAddress);
            Assert.Contains($"IRONBARK-USERDATA hello from {id} at {described.PrivateIpAddress} mac {described.NetworkInterfaces.Single().MacAddress}", console);
            Assert.Contains($"IRONBARK-READY instance-id={id} ip=169.254.169.15 ", console);
        }

        await f.AliceEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [ids[0]], Tags = [new Tag("name", "first")] });
        Assert.Equal(ids.Order(), (await Filtered(new Filter("tag:role", ["web"]))).Order());
        Assert.Equal([ids[0]], await Filtered(new Filter("tag:name", ["first"])));
        Assert.Equal(ids.Order(), (await Filtered(new Filter("instance-state-name", ["running"]), new Filter("key-name", [key]))).Order());
        Assert.Equal(ids.Order(), (await Filtered(new Filter("instance.group-name", [group]), new Filter("reservation-id", [reservation.ReservationId]))).Order());
        Assert.Empty(await Filtered(new Filter("tag:role", ["db"]), new Filter("instance-id", [.. ids])));
        var tags = (await f.AliceEc2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [ids[0]])] })).Tags;
        Assert.Equal(["name", "role"], tags.Select(t => t.Key).Order());
        Assert.All(tags, t => Assert.Equal("instance", t.ResourceType.Value));

        var statuses = (await f.AliceEc2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = [.. ids] })).InstanceStatuses;
        Assert.Equal(ids.Order(), statuses.Select(s => s.InstanceId).Order());
        Assert.All(statuses, s => Assert.Equal("ok", s.Status.Status.Value));

        await f.AliceEc2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [ids[1]] });
        await f.AliceEc2.WaitForConsoleAsync(ids[1], $"IRONBARK-READY instance-id={ids[1]}", times: 2);
        Assert.Equal("running", (await f.AliceEc2.DescribeAsync(ids[1]))[0].State.Name.Value);

        var pids = ids.Select(PidOf).ToArray();
        Assert.All(pids, pid => Assert.True(QemuVirtualMachine.IsAlive(pid)));
        var terminating = (await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. ids] })).TerminatingInstances;
        Assert.All(terminating, t =>
        {
            Assert.Equal("running", t.PreviousState.Name.Value);
            Assert.Equal("shutting-down", t.CurrentState.Name.Value);
        });
        var terminated = await f.AliceEc2.WaitForStateAsync("terminated", ids);
        Assert.All(terminated, i => Assert.Equal("Client.UserInitiatedShutdown", i.StateReason.Code));
        Assert.All(pids, pid => Assert.False(QemuVirtualMachine.IsAlive(pid)));
        // Terminating again is no error: it stays terminated.
        var again = (await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [ids[0]] })).TerminatingInstances;
        Assert.Equal("terminated", Assert.Single(again).PreviousState.Name.Value);

        async Task<List<string>> Filtered(params Filter[] filters) =>
            [.. ((await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. filters] })).Reservations ?? [])
                .SelectMany(r => r.Instances).Select(i => i.InstanceId)];
    }

    [Fact]
    public async Task A_VM_that_dies_shows_as_terminated()
    {
        var id = (await f.AliceEc2.RunInstancesAsync(Launch())).Reservation.Instances[0].InstanceId;
        await f.AliceEc2.WaitForStateAsync("running", id);
        using (var qemu = System.Diagnostics.Process.GetProcessById(PidOf(id)))
            qemu.Kill();
        var ended = (await f.AliceEc2.WaitForStateAsync("terminated", id))[0];
        Assert.Equal("Server.InternalError", ended.StateReason.Code);
    }

    [Fact]
    public async Task An_instance_terminated_while_its_node_is_down_is_cleaned_up_when_the_node_returns()
    {
        var id = (await f.AliceEc2.RunInstancesAsync(Launch())).Reservation.Instances[0].InstanceId;
        await f.AliceEc2.WaitForStateAsync("running", id);
        var pid = PidOf(id);
        await f.StopNodeAsync();
        try
        {
            await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] });
            await Task.Delay(TimeSpan.FromSeconds(3)); // several reconcile rounds: none may pretend the VM is gone
            Assert.Equal("shutting-down", (await f.AliceEc2.DescribeAsync(id))[0].State.Name.Value);
            Assert.True(QemuVirtualMachine.IsAlive(pid));
        }
        finally
        {
            await f.StartNodeAsync();
        }
        await f.AliceEc2.WaitForStateAsync("terminated", id);
        Assert.False(QemuVirtualMachine.IsAlive(pid));
    }

    [Fact]
    public async Task Concurrent_launches_never_admit_more_than_the_zone_has_room_for()
    {
        // The node has room for four m1.small; three calls of two each at once: two are admitted, one is refused.
        await WaitForFreeSmallSlotsAsync(4);
        var calls = Enumerable.Range(0, 3).Select(async _ =>
        {
            try
            {
                return (await f.AliceEc2.RunInstancesAsync(Launch(2))).Reservation.Instances.Select(i => i.InstanceId).ToList();
            }
            catch (AmazonEC2Exception e) when (e.ErrorCode == "InsufficientInstanceCapacity")
            {
                return null;
            }
        }).ToList();
        var results = await Task.WhenAll(calls);
        var launched = results.OfType<List<string>>().SelectMany(ids => ids).ToArray();
        Assert.Single(results, r => r is null);
        Assert.Equal(4, launched.Length);
        await f.AliceEc2.WaitForStateAsync("running", launched);
        await TerminateAndWaitAsync(f.AliceEc2, launched);
    }

    [Fact]
    public async Task A_restart_of_the_CLC_during_launches_loses_no_instance_and_launches_none_twice()
    {
        await WaitForFreeSmallSlotsAsync(2);
        var ids = (await f.AliceEc2.RunInstancesAsync(Launch(2))).Reservation.Instances.Select(i => i.InstanceId).ToArray();
        await f.RestartClcAsync(); // the launches may be anywhere: queued, at the CC, done
        await f.AliceEc2.WaitForStateAsync("running", ids);
        Assert.Equal(2, f.Node.Instances.Describe([]).Count(i => ids.Contains(i.Id) && i.State == "running"));
        var pids = ids.Select(PidOf).ToArray();
        Assert.All(pids, pid => Assert.True(QemuVirtualMachine.IsAlive(pid)));
        await TerminateAndWaitAsync(f.AliceEc2, ids);
        Assert.All(pids, pid => Assert.False(QemuVirtualMachine.IsAlive(pid)));
    }

    [Fact]
    public async Task A_client_token_launches_once()
    {
        var token = Guid.NewGuid().ToString();
        var request = Launch();
        request.ClientToken = token;
        var first = (await f.AliceEc2.RunInstancesAsync(request)).Reservation;
        var second = (await f.AliceEc2.RunInstancesAsync(request)).Reservation;
        Assert.Equal(first.ReservationId, second.ReservationId);
        var id = Assert.Single(second.Instances).InstanceId;
        Assert.Equal(first.Instances[0].InstanceId, id);
        Assert.Equal(token, second.Instances[0].ClientToken);
        var mine = await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("client-token", [token])] });
        Assert.Equal(id, Assert.Single(Assert.Single(mine.Reservations).Instances).InstanceId);
        request.InstanceType = InstanceType.C1Medium;
        await Ec2Assert.FailsAsync("IdempotentParameterMismatch", () => f.AliceEc2.RunInstancesAsync(request));
        await TerminateAndWaitAsync(f.AliceEc2, id);
    }

    [Fact]
    public async Task Accounts_see_and_touch_only_their_own_instances_and_launch_only_what_is_shared()
    {
        var id = (await f.AliceEc2.RunInstancesAsync(Launch())).Reservation.Instances[0].InstanceId;
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] }));
        Assert.DoesNotContain(id, ((await f.BobEc2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? [])
            .SelectMany(r => r.Instances).Select(i => i.InstanceId));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [id] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = id }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.BobEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [id], Tags = [new Tag("x", "y")] }));
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.BobEc2.RunInstancesAsync(Launch()));

        foreach (var image in new[] { f.Guest.Machine, f.Guest.Kernel, f.Guest.Ramdisk })
            await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
            {
                ImageId = image, LaunchPermission = new LaunchPermissionModifications { Add = [new LaunchPermission { UserId = f.BobAccountId }] },
            });
        try
        {
            var bobs = (await f.BobEc2.RunInstancesAsync(Launch())).Reservation.Instances[0].InstanceId;
            Assert.Equal(f.BobAccountId, (await f.BobEc2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [bobs] })).Reservations[0].OwnerId);
            await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [bobs] }));
            await TerminateAndWaitAsync(f.BobEc2, bobs);
        }
        finally
        {
            foreach (var image in new[] { f.Guest.Machine, f.Guest.Kernel, f.Guest.Ramdisk })
                await f.AliceEc2.ModifyImageAttributeAsync(new ModifyImageAttributeRequest
                {
                    ImageId = image, LaunchPermission = new LaunchPermissionModifications { Remove = [new LaunchPermission { UserId = f.BobAccountId }] },
                });
        }
        await TerminateAndWaitAsync(f.AliceEc2, id);
    }

    [Fact]
    public async Task Attributes_are_described_and_termination_protection_is_honoured()
    {
        var request = Launch();
        request.DisableApiTermination = true;
        request.UserData = Convert.ToBase64String("echo hi"u8.ToArray());
        var id = (await f.AliceEc2.RunInstancesAsync(request)).Reservation.Instances[0].InstanceId;
        var attribute = (await f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = id, Attribute = InstanceAttributeName.DisableApiTermination })).InstanceAttribute;
        Assert.True(attribute.DisableApiTermination);
        var userData = (await f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = id, Attribute = InstanceAttributeName.UserData })).InstanceAttribute;
        Assert.Equal("echo hi", Encoding.UTF8.GetString(Convert.FromBase64String(userData.UserData)));
        Assert.Equal("m1.small", (await f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = id, Attribute = InstanceAttributeName.InstanceType })).InstanceAttribute.InstanceType);

        await Ec2Assert.FailsAsync("OperationNotPermitted", () => f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] }));
        Assert.NotEqual("shutting-down", (await f.AliceEc2.DescribeAsync(id))[0].State.Name.Value);
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () => f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, InstanceType = "c1.medium" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = id, Attribute = "colour" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, InstanceInitiatedShutdownBehavior = "explode" }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, Groups = ["sg-00000000000000000"] }));
        var group = (await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("attr"), Description = "x" })).GroupId;
        await f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, Groups = [group] });
        Assert.Equal(group, Assert.Single((await f.AliceEc2.DescribeAsync(id))[0].SecurityGroups).GroupId);
        await Ec2Assert.FailsAsync("DependencyViolation", () => f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group }));
        await f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, DisableApiTermination = false });
        await TerminateAndWaitAsync(f.AliceEc2, id);
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () => f.AliceEc2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [id] }));
        await f.AliceEc2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = group }); // no live instance is in it now
    }

    [Fact]
    public async Task Bad_launches_are_refused_with_the_AWS_codes_and_store_nothing()
    {
        var before = await CountAsync();
        await Ec2Assert.FailsAsync("InvalidAMIID.NotFound", () => f.AliceEc2.RunInstancesAsync(With(r => r.ImageId = "ami-00000000000000000")));
        await Ec2Assert.FailsAsync("InvalidAMIID.Malformed", () => f.AliceEc2.RunInstancesAsync(With(r => r.ImageId = "ami-zz")));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r => r.InstanceType = "m9.huge")));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r => { r.MinCount = 3; r.MaxCount = 2; })));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r => r.MinCount = 0)));
        await Ec2Assert.FailsAsync("InvalidKeyPair.NotFound", () => f.AliceEc2.RunInstancesAsync(With(r => r.KeyName = "no-such-key")));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.RunInstancesAsync(With(r => r.SecurityGroups = ["no-such-group"])));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.RunInstancesAsync(With(r => r.SecurityGroupIds = ["sg-00000000000000000"])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r => r.Placement = new Placement { AvailabilityZone = "nowhere-1a" })));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r => r.UserData = Convert.ToBase64String(new byte[16 * 1024 + 1]))));
        await Ec2Assert.FailsAsync("InvalidAKIID.NotFound", () => f.AliceEc2.RunInstancesAsync(With(r => r.KernelId = "aki-00000000000000000")));
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => f.AliceEc2.RunInstancesAsync(With(r => r.InstanceType = InstanceType.C1Xlarge)));
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => f.AliceEc2.RunInstancesAsync(With(r => { r.MinCount = 5; r.MaxCount = 5; })));
        await Ec2Assert.FailsAsync("InsufficientInstanceCapacity", () => f.AliceEc2.RunInstancesAsync(With(r => r.Placement = new Placement { AvailabilityZone = "ironbark-b" })));
        await Ec2Assert.FailsAsync("InstanceLimitExceeded", () => f.AliceEc2.RunInstancesAsync(With(r => { r.MinCount = 1001; r.MaxCount = 1001; })));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r =>
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("aws:x", "y")] }])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r =>
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Image, Tags = [new Tag("a", "b")] }])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(With(r =>
            r.TagSpecifications = [new TagSpecification { ResourceType = ResourceType.NetworkInterface, Tags = [new Tag("aws:x", "y")] }])));
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed, () => f.AliceEc2.RunInstancesAsync(With(r => r.DryRun = true)));
        Assert.Equal(before, await CountAsync());

        RunInstancesRequest With(Action<RunInstancesRequest> change)
        {
            var r = Launch();
            change(r);
            return r;
        }
    }

    [Fact]
    public async Task Bad_instance_ids_are_refused_with_the_AWS_codes()
    {
        const string missing = "i-00000000000000000";
        await Ec2Assert.FailsAsync("InvalidInstanceID.Malformed", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ["i-xyz"] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [missing] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [missing] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.RebootInstancesAsync(new RebootInstancesRequest { InstanceIds = [missing] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = missing }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { InstanceIds = [missing] }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = missing, Attribute = InstanceAttributeName.InstanceType }));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest()));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("colour", ["red"])] }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [missing], MaxResults = 5 }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 2 }));
        await Ec2Assert.FailsAsync("InvalidNextToken", () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { MaxResults = 5, NextToken = "not-a-token" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeInstanceStatusAsync(new DescribeInstanceStatusRequest { Filters = [new Filter("colour", ["red"])] }));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.RebootInstancesAsync(new RebootInstancesRequest()));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.GetConsoleOutputAsync(new GetConsoleOutputRequest()));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = missing }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = missing, DisableApiTermination = true }));
        await Ec2Assert.FailsAsync("MissingParameter", () => f.AliceEc2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = missing }));
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed, () => f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { DryRun = true }));
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed, () => f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [missing], DryRun = true }));
    }

    [Fact]
    public async Task The_admin_sees_the_room_per_instance_type_in_the_verbose_zone_listing()
    {
        var verbose = (await f.AdminEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["verbose"] })).AvailabilityZones;
        // The fixture's node: 2 cores (x4 overcommit) and 1024 MiB: four 256 MiB guests, one of 1024 MiB, none of 2048 MiB
        // (free may lag by a poll after an earlier test's terminations, so only the totals are exact).
        Assert.Contains(verbose, z => z.ZoneName == "|- m1.small" && z.State.Value.Contains("/ 0004"));
        Assert.Contains(verbose, z => z.ZoneName == "|- m1.xlarge" && z.State.Value.Contains("/ 0001"));
        Assert.Contains(verbose, z => z.ZoneName == "|- c1.xlarge" && z.State.Value.StartsWith("0000 / 0000"));
        Assert.Contains(verbose, z => z.ZoneName == ClcFixture.ComputeZone);
        var plain = (await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["verbose"] })).AvailabilityZones;
        Assert.DoesNotContain(plain, z => z.ZoneName.StartsWith("|-"));
    }

    /// <summary>Waits until the zone has room for <paramref name="slots"/> m1.small again (what earlier tests ran is released asynchronously).</summary>
    private async Task WaitForFreeSmallSlotsAsync(int slots)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var zones = (await f.AdminEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["verbose", ClcFixture.ComputeZone] })).AvailabilityZones;
            var line = zones.Single(z => z.ZoneName == "|- m1.small").State.Value;
            if (int.Parse(line[..4]) >= slots)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The zone did not get room for {slots} m1.small back: {line}");
            await Task.Delay(200);
        }
    }

    private async Task<int> CountAsync() =>
        ((await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? []).Sum(r => r.Instances.Count);
}

[Collection(SqliteClc.Name)]
public sealed class SqliteInstanceTests(SqliteClcFixture f) : InstanceTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresInstanceTests(PostgresClcFixture f) : InstanceTests(f);
