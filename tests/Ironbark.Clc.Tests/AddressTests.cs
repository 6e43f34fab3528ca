using System.Net;
using Amazon.EC2;
using Amazon.EC2.Model;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;

namespace Ironbark.Clc.Tests;

/// <summary>Elastic IPs with AWSSDK.EC2: allocation from the region pool, the account limit, association with real instances, release.</summary>
public abstract class AddressTests(ClcFixture f)
{
    private static async Task<List<Address>> AddressesAsync(IAmazonEC2 ec2, params Filter[] filters) =>
        (await ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = filters.Length > 0 ? [.. filters] : null })).Addresses ?? [];

    private static Task<AllocateAddressResponse> AllocateAsync(IAmazonEC2 ec2, string? address = null) =>
        ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc, Address = address });

    [Fact]
    public async Task An_address_is_allocated_described_tagged_and_released_by_allocation_id_or_public_ip()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        await using var dave = await Tenant.CreateAsync(f, "dave");

        var first = await carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest
        {
            Domain = DomainType.Vpc, TagSpecifications = [new TagSpecification { ResourceType = ResourceType.ElasticIp, Tags = [new Tag("role", "web")] }],
        });
        Assert.Matches("^eipalloc-[0-9a-f]{17}$", first.AllocationId);
        Assert.StartsWith("198.51.100.", first.PublicIp);
        Assert.Equal(("vpc", "amazon", "ironbark"), (first.Domain.Value, first.PublicIpv4Pool, first.NetworkBorderGroup));
        // "standard" (EC2-Classic) gives a VPC allocation too.
        var second = await carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Standard });
        Assert.Equal("vpc", second.Domain.Value);
        Assert.NotEqual(first.PublicIp, second.PublicIp);

        var all = await AddressesAsync(carol.Ec2);
        Assert.Equal(new[] { first.AllocationId, second.AllocationId }.Order(), all.Select(a => a.AllocationId).Order());
        var described = all.Single(a => a.AllocationId == first.AllocationId);
        Assert.Equal((first.PublicIp, "vpc", "amazon", "ironbark"), (described.PublicIp, described.Domain.Value, described.PublicIpv4Pool, described.NetworkBorderGroup));
        Assert.Null(described.AssociationId);
        Assert.Null(described.InstanceId);
        Assert.Equal(("role", "web"), (Assert.Single(described.Tags).Key, described.Tags[0].Value));

        Assert.Equal(second.AllocationId, Assert.Single((await carol.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { PublicIps = [second.PublicIp] })).Addresses).AllocationId);
        Assert.Equal(first.PublicIp, Assert.Single((await carol.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [first.AllocationId] })).Addresses).PublicIp);
        Assert.Equal([first.AllocationId], (await AddressesAsync(carol.Ec2, new Filter("tag:role", ["web"]))).Select(a => a.AllocationId));
        Assert.Equal([first.AllocationId], (await AddressesAsync(carol.Ec2, new Filter("tag-key", ["role"]))).Select(a => a.AllocationId));
        Assert.Equal([second.AllocationId], (await AddressesAsync(carol.Ec2, new Filter("public-ip", [second.PublicIp]))).Select(a => a.AllocationId));
        Assert.Equal([second.AllocationId], (await AddressesAsync(carol.Ec2, new Filter("allocation-id", [second.AllocationId]))).Select(a => a.AllocationId));
        Assert.Equal(2, (await AddressesAsync(carol.Ec2, new Filter("domain", ["vpc"]))).Count);
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("association-id", ["*"])));
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("instance-id", ["*"])));
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("network-interface-id", ["*"])));
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("network-interface-owner-id", [carol.AccountId])));
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("private-ip-address", ["*"])));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => AddressesAsync(carol.Ec2, new Filter("no-such-filter", ["x"])));

        // Tags through CreateTags and DescribeTags, as for any resource.
        await carol.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [second.AllocationId], Tags = [new Tag("name", "db")] });
        var tags = (await carol.Ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-type", ["elastic-ip"])] })).Tags;
        Assert.Equal([(first.AllocationId, "role"), (second.AllocationId, "name")], tags.Select(t => (t.ResourceId, t.Key)).OrderBy(t => t.Item2 == "name"));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => dave.Ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [second.AllocationId], Tags = [new Tag("x", "y")] }));

        // Another account sees none of them.
        Assert.Empty(await AddressesAsync(dave.Ec2));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => dave.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [first.AllocationId] }));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => dave.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { PublicIps = [first.PublicIp] }));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => dave.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = first.AllocationId }));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => dave.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { PublicIp = first.PublicIp }));

        await carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = first.AllocationId });
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = first.AllocationId }));
        await carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { PublicIp = second.PublicIp });
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { PublicIp = second.PublicIp }));
        Assert.Empty(await AddressesAsync(carol.Ec2));
        // The tags went with the addresses.
        Assert.Empty((await carol.Ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("resource-type", ["elastic-ip"])] })).Tags ?? []);
        // A released address can be allocated again, by name, by anyone.
        Assert.Equal(first.PublicIp, (await AllocateAsync(dave.Ec2, first.PublicIp)).PublicIp);
    }

    [Fact]
    public async Task Allocation_honours_a_pool_address_refuses_others_and_stops_at_the_account_limit()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        await using var dave = await Tenant.CreateAsync(f, "dave");
        var taken = (await AllocateAsync(dave.Ec2)).PublicIp;
        var free = Enumerable.Range(1, 254).Select(i => $"198.51.100.{i}").Last(a => a != taken);

        Assert.Equal(free, (await AllocateAsync(carol.Ec2, free)).PublicIp);
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => AllocateAsync(carol.Ec2, taken));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => AllocateAsync(carol.Ec2, "203.0.113.7"));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => AllocateAsync(carol.Ec2, "198.51.100.0"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => AllocateAsync(carol.Ec2, "198.51.100.300"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => AllocateAsync(carol.Ec2, "2001:db8::1"));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest { PublicIpv4Pool = "ipv4pool-ec2-0123" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest { NetworkBorderGroup = "us-east-1" }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest
        {
            TagSpecifications = [new TagSpecification { ResourceType = ResourceType.Instance, Tags = [new Tag("a", "b")] }],
        }));
        using var query = f.Query(carol.Key);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "AllocateAddress", ["Domain"] = "classic" }),
            "InvalidParameterValue", HttpStatusCode.BadRequest);
        Assert.Single(await AddressesAsync(carol.Ec2));

        for (var i = 0; i < 4; i++)
            await AllocateAsync(carol.Ec2);
        var limit = await Ec2Assert.FailsAsync("AddressLimitExceeded", () => AllocateAsync(carol.Ec2));
        Assert.Contains("5", limit.Message);
        Assert.Equal(5, (await AddressesAsync(carol.Ec2)).Count);
        // The limit is the account's: another account still allocates.
        await AllocateAsync(dave.Ec2);
    }

    [Fact]
    public async Task Concurrent_allocations_never_give_one_address_twice_nor_pass_the_limit()
    {
        var tenants = new List<Tenant>();
        try
        {
            for (var i = 0; i < 4; i++)
                tenants.Add(await Tenant.CreateAsync(f, "race"));
            // Seven at once per account (28 in all): five each succeed, two each are over the limit.
            var calls = tenants.SelectMany(t => Enumerable.Range(0, 7).Select(_ => Outcome(AllocateAsync(t.Ec2)))).ToList();
            var outcomes = await Task.WhenAll(calls);
            var allocated = outcomes.Where(o => o.Response is not null).Select(o => o.Response!).ToList();
            Assert.Equal(20, allocated.Count);
            Assert.Equal(20, allocated.Select(a => a.PublicIp).Distinct().Count());
            Assert.All(outcomes.Where(o => o.Response is null), o => Assert.Equal("AddressLimitExceeded", o.Error));
            foreach (var t in tenants)
                Assert.Equal(5, (await AddressesAsync(t.Ec2)).Count);
            var everyone = (await Task.WhenAll(tenants.Select(t => AddressesAsync(t.Ec2)))).SelectMany(a => a).ToList();
            Assert.Equal(20, everyone.Select(a => a.PublicIp).Distinct().Count());
        }
        finally
        {
            foreach (var t in tenants)
                await t.DisposeAsync();
        }
    }

    [Fact]
    public async Task Bad_requests_name_the_aws_error_and_change_nothing()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        var address = await AllocateAsync(carol.Ec2);
        const string unknownAllocation = "eipalloc-0123456789abcdef0";
        const string unknownInstance = "i-0123456789abcdef0";

        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => carol.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { AllocationIds = [unknownAllocation] }));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => carol.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { PublicIps = ["198.51.100.254", address.PublicIp] }));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = unknownAllocation, InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = "eipalloc-xyz", InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { PublicIp = "198.51.100.254", InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = address.AllocationId, InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidInstanceID.Malformed", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = address.AllocationId, InstanceId = "i-nope" }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest
            { AllocationId = address.AllocationId, NetworkInterfaceId = "eni-0123456789abcdef0" }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.Malformed", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest
            { AllocationId = address.AllocationId, NetworkInterfaceId = "eni-1" }));
        await Ec2Assert.FailsAsync("MissingParameter", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = address.AllocationId }));
        await Ec2Assert.FailsAsync("MissingParameter", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest
            { AllocationId = address.AllocationId, PublicIp = address.PublicIp, InstanceId = unknownInstance }));
        await Ec2Assert.FailsAsync("InvalidParameterCombination", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest
            { AllocationId = address.AllocationId, InstanceId = unknownInstance, NetworkInterfaceId = "eni-0123456789abcdef0" }));
        await Ec2Assert.FailsAsync("InvalidAssociationID.NotFound", () => carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = "eipassoc-0123456789abcdef0" }));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = "198.51.100.254" }));
        await Ec2Assert.FailsAsync("MissingParameter", () => carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest()));
        await Ec2Assert.FailsAsync("MissingParameter", () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest()));
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = "eipalloc-" }));
        // A dry run checks and changes nothing.
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed, () => carol.Ec2.AllocateAddressAsync(new AllocateAddressRequest { DryRun = true }));
        await Ec2Assert.FailsAsync("DryRunOperation", HttpStatusCode.PreconditionFailed, () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = address.AllocationId, DryRun = true }));

        var left = Assert.Single(await AddressesAsync(carol.Ec2));
        Assert.Equal((address.AllocationId, null), (left.AllocationId, left.AssociationId));
    }

    [Fact]
    public async Task An_address_follows_association_reassociation_and_disassociation_and_a_terminated_instance_lets_it_go()
    {
        await using var carol = await Tenant.CreateAsync(f, "carol");
        await using var dave = await Tenant.CreateAsync(f, "dave");
        var eip = await AllocateAsync(carol.Ec2);
        var other = await AllocateAsync(carol.Ec2);
        var launched = await carol.LaunchAsync(2);
        var (a, b) = (launched[0].InstanceId, launched[1].InstanceId);
        var eniA = Assert.Single(launched[0].NetworkInterfaces).NetworkInterfaceId;
        var eniB = Assert.Single(launched[1].NetworkInterfaces).NetworkInterfaceId;

        // Pending: not yet.
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a }));
        await carol.Ec2.WaitForStateAsync("running", a, b);

        var association = (await carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a })).AssociationId;
        Assert.Matches("^eipassoc-[0-9a-f]{17}$", association);
        var described = Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId])));
        Assert.Equal((a, eniA, carol.AccountId, association), (described.InstanceId, described.NetworkInterfaceId, described.NetworkInterfaceOwnerId, described.AssociationId));
        foreach (var (name, value) in new[] { ("instance-id", a), ("network-interface-id", eniA), ("association-id", association), ("network-interface-owner-id", carol.AccountId) })
            Assert.Equal([eip.AllocationId], (await AddressesAsync(carol.Ec2, new Filter(name, [value]))).Select(x => x.AllocationId));
        var instanceA = Assert.Single(await carol.Ec2.DescribeAsync(a));
        Assert.Equal(eip.PublicIp, instanceA.PublicIpAddress);
        var nicA = Assert.Single(instanceA.NetworkInterfaces);
        Assert.Equal((eip.PublicIp, carol.AccountId), (nicA.Association.PublicIp, nicA.Association.IpOwnerId));
        Assert.Equal([a], (await carol.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("ip-address", [eip.PublicIp])] }))
            .Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));
        var eni = Assert.Single((await carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest
            { Filters = [new Filter("association.public-ip", [eip.PublicIp])] })).NetworkInterfaces);
        Assert.Equal((eniA, eip.AllocationId, association, carol.AccountId), (eni.NetworkInterfaceId, eni.Association.AllocationId, eni.Association.AssociationId, eni.Association.IpOwnerId));
        // Associating it again where it is changes nothing.
        Assert.Equal(association, (await carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a })).AssociationId);

        // Another account can neither use the address nor reach the instance.
        await Ec2Assert.FailsAsync("InvalidAllocationID.NotFound", () => dave.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a }));
        var daves = await AllocateAsync(dave.Ec2);
        await Ec2Assert.FailsAsync("InvalidInstanceID.NotFound", () => dave.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = daves.AllocationId, InstanceId = b }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => dave.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = daves.AllocationId, NetworkInterfaceId = eniB }));
        await Ec2Assert.FailsAsync("InvalidAssociationID.NotFound", () => dave.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = association }));

        // Moving it needs AllowReassociation; without, it stays where it is.
        await Ec2Assert.FailsAsync("Resource.AlreadyAssociated", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = b }));
        Assert.Equal(a, Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId]))).InstanceId);
        var moved = (await carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = b, AllowReassociation = true })).AssociationId;
        Assert.NotEqual(association, moved);
        Assert.Equal(b, Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId]))).InstanceId);
        // a has an address of the zone's pool again (the CC's, launched with one), b the elastic IP.
        var poolOfA = Assert.Single(await carol.Ec2.DescribeAsync(a)).PublicIpAddress;
        Assert.StartsWith("203.0.113.", poolOfA);
        var nicOfA = Assert.Single((await carol.Ec2.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [eniA] })).NetworkInterfaces);
        Assert.Equal(("amazon", poolOfA), (nicOfA.Association.IpOwnerId, nicOfA.Association.PublicIp));
        Assert.Equal(eip.PublicIp, Assert.Single(await carol.Ec2.DescribeAsync(b)).PublicIpAddress);
        await Ec2Assert.FailsAsync("InvalidAssociationID.NotFound", () => carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = association }));
        await Ec2Assert.FailsAsync("InvalidIPAddress.InUse", () => carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = eip.AllocationId }));

        // A second address on the same interface (by public IP and interface id) takes the place of the first.
        await carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { PublicIp = other.PublicIp, NetworkInterfaceId = eniB });
        Assert.Equal(other.PublicIp, Assert.Single(await carol.Ec2.DescribeAsync(b)).PublicIpAddress);
        Assert.Null(Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId]))).AssociationId);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest
            { AllocationId = eip.AllocationId, InstanceId = a, PrivateIpAddress = "172.31.99.99" }));

        // By public IP; a second time changes nothing.
        await carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = other.PublicIp });
        await carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = other.PublicIp });
        Assert.Empty(await AddressesAsync(carol.Ec2, new Filter("association-id", ["*"])));
        var poolOfB = Assert.Single(await carol.Ec2.DescribeAsync(b)).PublicIpAddress;
        Assert.StartsWith("203.0.113.", poolOfB);
        Assert.NotEqual(poolOfA, poolOfB);

        // Races: of eight associations of one address at once, four to each instance, one wins: those to its instance get its
        // association (the address is already there), those to the other one are refused.
        for (var round = 0; round < 3; round++)
        {
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Outcome(carol.Ec2.AssociateAddressAsync(
                new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = i % 2 == 0 ? a : b }))));
            var won = outcomes.Select((o, i) => (o, i)).Where(x => x.o.Response is not null).ToList();
            Assert.Equal(4, won.Count);
            Assert.Single(won.Select(x => x.i % 2).Distinct());
            var winner = Assert.Single(won.Select(x => x.o.Response!.AssociationId).Distinct());
            Assert.All(outcomes.Where(o => o.Response is null), o => Assert.Equal("Resource.AlreadyAssociated", o.Error));
            var now = Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId])));
            Assert.Equal((winner, won[0].i % 2 == 0 ? a : b), (now.AssociationId, now.InstanceId));
            await carol.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = now.AssociationId });
        }

        // Terminating the instance disassociates its address, which stays the account's.
        await carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a });
        await carol.TerminateAsync(a);
        var kept = Assert.Single(await AddressesAsync(carol.Ec2, new Filter("allocation-id", [eip.AllocationId])));
        Assert.Equal((eip.PublicIp, null, null), (kept.PublicIp, kept.AssociationId, kept.InstanceId));
        Assert.Null(Assert.Single(await carol.Ec2.DescribeAsync(a)).PublicIpAddress);
        await Ec2Assert.FailsAsync("IncorrectInstanceState", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = a }));
        await Ec2Assert.FailsAsync("InvalidNetworkInterfaceID.NotFound", () => carol.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, NetworkInterfaceId = eniA }));
        await carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = eip.AllocationId });
        await carol.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = other.AllocationId });
        Assert.Empty(await AddressesAsync(carol.Ec2));
    }

    private static async Task<(T? Response, string? Error)> Outcome<T>(Task<T> call) where T : class
    {
        try
        {
            return (await call, null);
        }
        catch (AmazonEC2Exception e)
        {
            return (null, e.ErrorCode);
        }
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteAddressTests(SqliteClcFixture f) : AddressTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresAddressTests(PostgresClcFixture f) : AddressTests(f);
