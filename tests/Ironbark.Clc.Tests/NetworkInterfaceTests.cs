using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;

namespace Ironbark.Clc.Tests;

/// <summary>Each instance's primary network interface with AWSSDK.EC2: described, filtered, its attributes and groups changed, gone at terminate.</summary>
public abstract class NetworkInterfaceTests(ClcFixture f)
{
    private static async Task<List<NetworkInterface>> InterfacesAsync(IAmazonEC2 ec2, params Filter[] filters) =>
        (await ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = filters.Length > 0 ? [.. filters] : null })).NetworkInterfaces ?? [];

    private static async Task<string> GroupAsync(IAmazonEC2 ec2, string hint) =>
        (await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique(hint), Description = hint })).GroupId;

    [Fact]
    public async Task An_instance_has_a_primary_interface_described_filtered_modified_and_deleted_with_it()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        await using var dave = await Tenant.CreateAsync(f, "dave");
        var web = await GroupAsync(carol.Ec2, "web");
        var db = await GroupAsync(carol.Ec2, "db");
        var launched = Assert.Single(await carol.LaunchAsync(1, web));

        // RunInstances already names the interface.
        var primary = Assert.Single(launched.NetworkInterfaces);
        Assert.Matches("^eni-[0-9a-f]{17}$", primary.NetworkInterfaceId);
        Assert.Equal((0, true, "attached"), (primary.Attachment.DeviceIndex, primary.Attachment.DeleteOnTermination, primary.Attachment.Status.Value));
        Assert.Matches("^eni-attach-[0-9a-f]{17}$", primary.Attachment.AttachmentId);
        Assert.Equal([web], primary.Groups.Select(g => g.GroupId));
        Assert.Equal((carol.AccountId, "in-use", true), (primary.OwnerId, primary.Status.Value, primary.SourceDestCheck));
        var id = primary.NetworkInterfaceId;
        var instanceId = launched.InstanceId;
        await carol.Ec2.WaitForStateAsync("running", instanceId);

        var eni = Assert.Single((await carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] })).NetworkInterfaces);
        Assert.Equal((ClcFixture.ComputeZone, carol.AccountId, "in-use", "", "interface"), (eni.AvailabilityZone, eni.OwnerId, eni.Status.Value, eni.Description, eni.InterfaceType.Value));
        Assert.Equal((instanceId, carol.AccountId, 0, "attached", true),
            (eni.Attachment.InstanceId, eni.Attachment.InstanceOwnerId, eni.Attachment.DeviceIndex, eni.Attachment.Status.Value, eni.Attachment.DeleteOnTermination));
        Assert.Equal([web], eni.Groups.Select(g => g.GroupId));
        Assert.False(eni.RequesterManaged);
        // What the zone's CC allocated at launch: a MAC, an address of the default subnet, a public address of its pool (owned by "amazon").
        Assert.Matches("^02(:[0-9a-f]{2}){5}$", eni.MacAddress);
        Assert.StartsWith("172.31.", eni.PrivateIpAddress);
        Assert.Equal($"ip-{eni.PrivateIpAddress.Replace('.', '-')}.ironbark.compute.internal", eni.PrivateDnsName);
        Assert.Equal(("amazon", null), (eni.Association.IpOwnerId, eni.Association.AllocationId));
        Assert.StartsWith("203.0.113.", eni.Association.PublicIp);
        Assert.Equal([id], (await InterfacesAsync(carol.Ec2)).Select(n => n.NetworkInterfaceId));

        await carol.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [id], Tags = [new Tag("tier", "front")] });
        foreach (var (name, value) in new[]
                 {
                     ("network-interface-id", id), ("attachment.instance-id", instanceId), ("attachment.status", "attached"),
                     ("availability-zone", ClcFixture.ComputeZone), ("group-id", web), ("status", "in-use"), ("owner-id", carol.AccountId),
                     ("description", ""), ("tag:tier", "front"), ("tag-key", "tier"), ("attachment.device-index", "0"), ("source-dest-check", "true"),
                 })
            Assert.Equal([id], (await InterfacesAsync(carol.Ec2, new Filter(name, [value]))).Select(n => n.NetworkInterfaceId));
        // In the default VPC and subnet of the instance, at the CC's addresses.
        var placed = (await carol.Ec2.DescribeAsync(instanceId)).Single();
        Assert.StartsWith("vpc-", placed.VpcId);
        Assert.Equal([id], (await InterfacesAsync(carol.Ec2, new Filter("vpc-id", [placed.VpcId]))).Select(n => n.NetworkInterfaceId));
        Assert.Equal([id], (await InterfacesAsync(carol.Ec2, new Filter("subnet-id", [placed.SubnetId]))).Select(n => n.NetworkInterfaceId));
        Assert.Equal(placed.VpcId, Assert.Single(await InterfacesAsync(carol.Ec2)).VpcId);
        foreach (var (name, value) in new[] { ("mac-address", eni.MacAddress), ("private-ip-address", eni.PrivateIpAddress), ("association.public-ip", eni.Association.PublicIp) })
            Assert.Equal([id], (await InterfacesAsync(carol.Ec2, new Filter(name, [value]))).Select(n => n.NetworkInterfaceId));
        Assert.Empty(await InterfacesAsync(carol.Ec2, new Filter("group-id", [db])));
        Assert.Empty(await InterfacesAsync(carol.Ec2, new Filter("tag:tier", ["back"])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => InterfacesAsync(carol.Ec2, new Filter("no-such-filter", ["x"])));
        Assert.Equal("network-interface", Assert.Single((await carol.Ec2.DescribeTagsAsync(new DescribeTagsRequest
            { Filters = [new Filter("resource-id", [id])] })).Tags).ResourceType.Value);

        // The instance's own description has it too.
        var described = Assert.Single((await carol.Ec2.DescribeAsync(instanceId)).Single().NetworkInterfaces);
        Assert.Equal((id, 0, true), (described.NetworkInterfaceId, described.Attachment.DeviceIndex, described.Attachment.DeleteOnTermination));
        Assert.Equal([id], (await carol.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest
            { Filters = [new Filter("network-interface.network-interface-id", [id])] })).Reservations.SelectMany(r => r.Instances).Select(_ => id));

        // Attributes, one at a time.
        await carol.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Description = "front door" });
        await carol.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, SourceDestCheck = false });
        Assert.Equal("front door", (await Attribute(carol.Ec2, id, NetworkInterfaceAttribute.Description)).Description);
        Assert.False((await Attribute(carol.Ec2, id, NetworkInterfaceAttribute.SourceDestCheck)).SourceDestCheck);
        Assert.False((await carol.Ec2.DescribeAsync(instanceId)).Single().SourceDestCheck);
        Assert.Equal(false, (await carol.Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest
            { InstanceId = instanceId, Attribute = InstanceAttributeName.SourceDestCheck })).InstanceAttribute.SourceDestCheck);
        Assert.Equal([id], (await InterfacesAsync(carol.Ec2, new Filter("description", ["front*"]))).Select(n => n.NetworkInterfaceId));
        await carol.Ec2.ResetNetworkInterfaceAttributeAsync(new ResetNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, SourceDestCheck = "true" });
        Assert.True((await Attribute(carol.Ec2, id, NetworkInterfaceAttribute.SourceDestCheck)).SourceDestCheck);
        var attachment = (await Attribute(carol.Ec2, id, NetworkInterfaceAttribute.Attachment)).Attachment;
        Assert.Equal((instanceId, 0), (attachment.InstanceId, attachment.DeviceIndex));

        // Groups of the interface are the instance's, whichever call changes them, on the running instance.
        await carol.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Groups = [web, db] });
        Assert.Equal([web, db], (await Attribute(carol.Ec2, id, NetworkInterfaceAttribute.GroupSet)).Groups.Select(g => g.GroupId));
        Assert.Equal(new[] { web, db }.Order(), (await carol.Ec2.DescribeAsync(instanceId)).Single().SecurityGroups.Select(g => g.GroupId).Order());
        await carol.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instanceId, Groups = [db] });
        Assert.Equal([db], Assert.Single(await InterfacesAsync(carol.Ec2)).Groups.Select(g => g.GroupId));
        Assert.Equal([db], (await carol.Ec2.DescribeAsync(instanceId)).Single().SecurityGroups.Select(g => g.GroupId));

        // Refused group changes leave the groups as they were.
        var six = new List<string> { db };
        for (var i = 0; i < 5; i++)
            six.Add(await GroupAsync(carol.Ec2, "many"));
        await Ec2Assert.FailsAsync("SecurityGroupsPerInterfaceLimitExceeded", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Groups = six }));
        await Ec2Assert.FailsAsync("SecurityGroupsPerInterfaceLimitExceeded", () => carol.Ec2.ModifyInstanceAttributeAsync(
            new ModifyInstanceAttributeRequest { InstanceId = instanceId, Groups = six }));
        var daves = await GroupAsync(dave.Ec2, "other");
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Groups = [web, daves] }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => carol.Ec2.ModifyInstanceAttributeAsync(
            new ModifyInstanceAttributeRequest { InstanceId = instanceId, Groups = [daves] }));
        await Ec2Assert.FailsAsync("InvalidGroupId.Malformed", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Groups = ["sg-nope"] }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Groups = [web], Description = "both" }));
        await Ec2Assert.FailsAsync("MissingParameter", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Description = new string('d', 256) }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.DescribeNetworkInterfaceAttributeAsync(
            new DescribeNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Attribute = "color" }));
        var unchanged = Assert.Single(await InterfacesAsync(carol.Ec2));
        Assert.Equal([db], unchanged.Groups.Select(g => g.GroupId));
        Assert.Equal("front door", unchanged.Description);
        Assert.Equal([db], (await carol.Ec2.DescribeAsync(instanceId)).Single().SecurityGroups.Select(g => g.GroupId));

        // Another account sees and touches none of it.
        Assert.Empty(await InterfacesAsync(dave.Ec2));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => dave.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => dave.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Description = "mine" }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => dave.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [id], Tags = [new Tag("a", "b")] }));

        // Terminated: the interface is deleted with the instance.
        await carol.TerminateAsync(instanceId);
        Assert.Empty(await InterfacesAsync(carol.Ec2));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [id] }));
        Assert.Empty((await carol.Ec2.DescribeAsync(instanceId)).Single().NetworkInterfaces ?? []);
        Assert.Empty((await carol.Ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-id", [id])] })).Tags ?? []);
    }

    [Fact]
    public async Task Unknown_malformed_and_secondary_interfaces_are_refused_with_the_aws_codes()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        const string unknown = "eni-0123456789abcdef0";
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [unknown] }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.Malformed", () => carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = ["eni-12"] }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.Malformed", () => carol.Ec2.DescribeNetworkInterfaceAttributeAsync(
            new DescribeNetworkInterfaceAttributeRequest { NetworkInterfaceId = "vol-0123456789abcdef0", Attribute = NetworkInterfaceAttribute.Description }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => carol.Ec2.ModifyNetworkInterfaceAttributeAsync(
            new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = unknown, Description = "x" }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => carol.Ec2.DescribeNetworkInterfacesAsync(
            new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [unknown], MaxResults = 5 }));
        await Ec2Assert.FailsAsync("UnsupportedOperation", () => carol.Ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest { SubnetId = "subnet-0123456789abcdef0" }));
        await Ec2Assert.FailsAsync("UnsupportedOperation", () => carol.Ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest
            { NetworkInterfaceId = unknown, InstanceId = "i-0123456789abcdef0", DeviceIndex = 1 }));
        await Ec2Assert.FailsAsync("UnsupportedOperation", () => carol.Ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest { AttachmentId = "eni-attach-0123456789abcdef0" }));
        await Ec2Assert.FailsAsync("UnsupportedOperation", () => carol.Ec2.DeleteNetworkInterfaceAsync(new DeleteNetworkInterfaceRequest { NetworkInterfaceId = unknown }));
        Assert.Empty(await InterfacesAsync(carol.Ec2));
    }

    private static async Task<DescribeNetworkInterfaceAttributeResponse> Attribute(IAmazonEC2 ec2, string id, NetworkInterfaceAttribute attribute) =>
        await ec2.DescribeNetworkInterfaceAttributeAsync(new DescribeNetworkInterfaceAttributeRequest { NetworkInterfaceId = id, Attribute = attribute });
}

[Collection(SqliteClc.Name)]
public sealed class SqliteNetworkInterfaceTests(SqliteClcFixture f) : NetworkInterfaceTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresNetworkInterfaceTests(PostgresClcFixture f) : NetworkInterfaceTests(f);
