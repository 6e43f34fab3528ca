using Amazon.EC2;
using Amazon.EC2.Model;
using Dapper;
using Ironbark.Common.Data;
using Microsoft.Extensions.DependencyInjection;
using Filter = Amazon.EC2.Model.Filter;
using Tag = Amazon.EC2.Model.Tag;

namespace Ironbark.Clc.Tests;

/// <summary>
/// The default VPC every account has (docs/vpc.md): made on first use, once, with a default subnet per zone (the fixture has
/// two: ironbark-a and ironbark-b), its main route table, internet gateway, DHCP options and default security group; the
/// Describe calls with ids, filters, tags and paging; the calls of custom VPCs refused.
/// </summary>
public abstract class VpcTests(ClcFixture f)
{
    /// <summary>A new account of its own, so the test sees its first use.</summary>
    private async Task<(AmazonEC2Client Ec2, string AccountId)> NewAccountAsync()
    {
        var name = ClcFixture.Unique("vpc");
        var account = await f.Accounts.CreateAccountAsync(name);
        var key = await f.Accounts.CreateAccessKeyAsync(name);
        return (f.Client(key.AccessKeyId, key.SecretAccessKey), account.Id);
    }

    private static async Task<Vpc> DefaultVpcAsync(IAmazonEC2 ec2) =>
        Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);

    private async Task<long> CountAsync(string sql, object parameters)
    {
        var db = f.Server.Services.GetRequiredService<Database>();
        await using var c = await db.OpenAsync();
        return await c.ExecuteScalarAsync<long>(sql, parameters);
    }

    [Fact]
    public async Task A_new_account_has_a_default_vpc_with_a_default_subnet_per_zone_a_route_table_a_gateway_and_dhcp_options()
    {
        var (ec2, accountId) = await NewAccountAsync();
        using var _ = ec2;

        var vpc = await DefaultVpcAsync(ec2);
        Assert.Matches("^vpc-[0-9a-f]{17}$", vpc.VpcId);
        Assert.True(vpc.IsDefault);
        Assert.Equal("172.31.0.0/16", vpc.CidrBlock);
        Assert.Equal(VpcState.Available, vpc.State);
        Assert.Equal(accountId, vpc.OwnerId);
        Assert.Equal(Tenancy.Default, vpc.InstanceTenancy);
        var association = Assert.Single(vpc.CidrBlockAssociationSet);
        Assert.Equal("172.31.0.0/16", association.CidrBlock);
        Assert.Matches("^vpc-cidr-assoc-[0-9a-f]{17}$", association.AssociationId);
        Assert.Equal(VpcCidrBlockStateCode.Associated, association.CidrBlockState.State);

        var zones = (await ec2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest())).AvailabilityZones;
        var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.OrderBy(s => s.CidrBlock, StringComparer.Ordinal).ToList();
        Assert.Equal(["ironbark-a", "ironbark-b"], subnets.Select(s => s.AvailabilityZone));
        Assert.Equal(["172.31.0.0/20", "172.31.16.0/20"], subnets.Select(s => s.CidrBlock));
        Assert.Equal(zones.Select(z => z.ZoneId), subnets.Select(s => s.AvailabilityZoneId));
        Assert.All(subnets, s =>
        {
            Assert.Matches("^subnet-[0-9a-f]{17}$", s.SubnetId);
            Assert.Equal(vpc.VpcId, s.VpcId);
            Assert.True(s.DefaultForAz);
            Assert.True(s.MapPublicIpOnLaunch);
            Assert.Equal(4091, s.AvailableIpAddressCount);
            Assert.Equal(SubnetState.Available, s.State);
            Assert.Equal(accountId, s.OwnerId);
            Assert.Equal($"arn:aws:ec2:ironbark:{accountId}:subnet/{s.SubnetId}", s.SubnetArn);
        });

        var gateway = Assert.Single((await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest())).InternetGateways);
        Assert.Matches("^igw-[0-9a-f]{17}$", gateway.InternetGatewayId);
        Assert.Equal(accountId, gateway.OwnerId);
        var attachment = Assert.Single(gateway.Attachments);
        Assert.Equal((vpc.VpcId, "available"), (attachment.VpcId, attachment.State.Value));

        var table = Assert.Single((await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest())).RouteTables);
        Assert.Matches("^rtb-[0-9a-f]{17}$", table.RouteTableId);
        Assert.Equal((vpc.VpcId, accountId), (table.VpcId, table.OwnerId));
        var main = Assert.Single(table.Associations);
        Assert.True(main.Main);
        Assert.Matches("^rtbassoc-[0-9a-f]{17}$", main.RouteTableAssociationId);
        Assert.Equal(table.RouteTableId, main.RouteTableId);
        Assert.Equal(RouteTableAssociationStateCode.Associated, main.AssociationState.State);
        Assert.Equal([("172.31.0.0/16", "local", "CreateRouteTable"), ("0.0.0.0/0", gateway.InternetGatewayId, "CreateRoute")],
            table.Routes.Select(r => (r.DestinationCidrBlock, r.GatewayId, r.Origin.Value)));
        Assert.All(table.Routes, r => Assert.Equal(RouteState.Active, r.State));

        var dhcp = Assert.Single((await ec2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest())).DhcpOptions);
        Assert.Equal(vpc.DhcpOptionsId, dhcp.DhcpOptionsId);
        Assert.Matches("^dopt-[0-9a-f]{17}$", dhcp.DhcpOptionsId);
        Assert.Equal(accountId, dhcp.OwnerId);
        Assert.Equal([("domain-name", "ironbark.compute.internal"), ("domain-name-servers", "AmazonProvidedDNS")],
            dhcp.DhcpConfigurations.Select(c => (c.Key, Assert.Single(c.Values))));

        var group = Assert.Single((await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest())).SecurityGroups);
        Assert.Equal(("default", vpc.VpcId, "default VPC security group"), (group.GroupName, group.VpcId, group.Description));
        Assert.Equal(group.GroupId, Assert.Single(Assert.Single(group.IpPermissions).UserIdGroupPairs).GroupId);
        Assert.Equal("0.0.0.0/0", Assert.Single(Assert.Single(group.IpPermissionsEgress).Ipv4Ranges).CidrIp);

        var attributes = (await ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpc.VpcId, Attribute = VpcAttributeName.EnableDnsSupport }));
        Assert.True(attributes.EnableDnsSupport);
        Assert.True((await ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpc.VpcId, Attribute = VpcAttributeName.EnableDnsHostnames })).EnableDnsHostnames);
    }

    [Fact]
    public async Task Two_accounts_have_the_same_addresses_in_vpcs_of_their_own()
    {
        var alice = await DefaultVpcAsync(f.AliceEc2);
        var bob = await DefaultVpcAsync(f.BobEc2);
        Assert.NotEqual(alice.VpcId, bob.VpcId);
        Assert.Equal(alice.CidrBlock, bob.CidrBlock);
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound", () => f.BobEc2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [alice.VpcId] }));
        var aliceSubnet = (await f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets[0].SubnetId;
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => f.BobEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [aliceSubnet] }));
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound", () => f.BobEc2.CreateTagsAsync(new CreateTagsRequest { Resources = [alice.VpcId], Tags = [new Tag("k", "v")] }));
    }

    [Fact]
    public async Task Concurrent_first_calls_make_exactly_one_default_vpc()
    {
        var (ec2, accountId) = await NewAccountAsync();
        using var _ = ec2;
        var calls = Enumerable.Range(0, 24).Select(i => (i % 4) switch
        {
            0 => ec2.DescribeVpcsAsync(new DescribeVpcsRequest()).ContinueWith(t => t.Result.Vpcs.Single().VpcId),
            1 => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest()).ContinueWith(t => t.Result.SecurityGroups.Single().VpcId),
            2 => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest()).ContinueWith(t => t.Result.Subnets.Select(s => s.VpcId).Distinct().Single()),
            _ => ec2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest { AttributeNames = ["default-vpc"] })
                .ContinueWith(t => t.Result.AccountAttributes.Single().AttributeValues.Single().AttributeValue),
        }).ToList();
        var seen = await Task.WhenAll(calls);

        var vpcId = Assert.Single(seen.Distinct());
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM vpcs WHERE account_id = @accountId", new { accountId }));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM subnets WHERE account_id = @accountId", new { accountId }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM route_tables WHERE account_id = @accountId", new { accountId }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM internet_gateways WHERE account_id = @accountId", new { accountId }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM dhcp_options WHERE account_id = @accountId", new { accountId }));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM security_groups WHERE account_id = @accountId AND vpc_id = @vpcId", new { accountId, vpcId }));
    }

    [Fact]
    public async Task Filters_select_as_AWS_documents_them()
    {
        var vpc = await DefaultVpcAsync(f.AliceEc2);
        async Task<int> Vpcs(params Filter[] filters) => (await f.AliceEc2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [.. filters] })).Vpcs?.Count ?? 0;
        Assert.Equal(1, await Vpcs(new Filter("is-default", ["true"])));
        Assert.Equal(1, await Vpcs(new Filter("isDefault", ["true"])));
        Assert.Equal(0, await Vpcs(new Filter("is-default", ["false"])));
        Assert.Equal(1, await Vpcs(new Filter("vpc-id", [vpc.VpcId]), new Filter("cidr", ["172.31.0.0/16"]), new Filter("state", ["available"]),
            new Filter("owner-id", [f.AliceAccountId]), new Filter("dhcp-options-id", [vpc.DhcpOptionsId]),
            new Filter("cidr-block-association.cidr-block", ["172.31.*"])));
        Assert.Equal(0, await Vpcs(new Filter("cidr", ["10.0.0.0/16"])));
        Assert.Equal(0, await Vpcs(new Filter("owner-id", [f.BobAccountId])));

        async Task<string[]> Subnets(params Filter[] filters) =>
            [.. ((await f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [.. filters] })).Subnets ?? []).Select(s => s.CidrBlock).Order()];
        Assert.Equal(["172.31.0.0/20", "172.31.16.0/20"], await Subnets(new Filter("vpc-id", [vpc.VpcId]), new Filter("defaultForAz", ["true"])));
        Assert.Equal(["172.31.16.0/20"], await Subnets(new Filter("availability-zone", ["ironbark-b"])));
        Assert.Equal(["172.31.16.0/20"], await Subnets(new Filter("availability-zone-id", ["ironbark-az2"])));
        Assert.Equal(["172.31.0.0/20"], await Subnets(new Filter("cidr-block", ["172.31.0.0/20"]), new Filter("default-for-az", ["true"]),
            new Filter("map-public-ip-on-launch", ["true"]), new Filter("state", ["available"]), new Filter("available-ip-address-count", ["4091"])));
        Assert.Empty(await Subnets(new Filter("default-for-az", ["false"])));

        async Task<int> Tables(params Filter[] filters) =>
            (await f.AliceEc2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [.. filters] })).RouteTables?.Count ?? 0;
        var gateway = Assert.Single((await f.AliceEc2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest())).InternetGateways).InternetGatewayId;
        Assert.Equal(1, await Tables(new Filter("vpc-id", [vpc.VpcId]), new Filter("association.main", ["true"])));
        Assert.Equal(1, await Tables(new Filter("route.gateway-id", [gateway]), new Filter("route.destination-cidr-block", ["0.0.0.0/0"])));
        Assert.Equal(1, await Tables(new Filter("route.origin", ["CreateRouteTable"]), new Filter("route.state", ["active"])));
        Assert.Equal(0, await Tables(new Filter("association.main", ["false"])));
        Assert.Equal(0, await Tables(new Filter("association.subnet-id", ["subnet-0123456789abcdef0"])));

        async Task<int> Gateways(params Filter[] filters) =>
            (await f.AliceEc2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [.. filters] })).InternetGateways?.Count ?? 0;
        Assert.Equal(1, await Gateways(new Filter("attachment.vpc-id", [vpc.VpcId]), new Filter("attachment.state", ["available"]),
            new Filter("internet-gateway-id", [gateway])));
        Assert.Equal(0, await Gateways(new Filter("attachment.vpc-id", ["vpc-0123456789abcdef0"])));

        async Task<int> Dhcp(params Filter[] filters) =>
            (await f.AliceEc2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { Filters = [.. filters] })).DhcpOptions?.Count ?? 0;
        Assert.Equal(1, await Dhcp(new Filter("key", ["domain-name"]), new Filter("value", ["*.compute.internal"])));
        Assert.Equal(0, await Dhcp(new Filter("value", ["example.com"])));

        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("no-such-filter", ["x"])] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("is-default", ["true"])] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [new Filter("cidr", ["x"])] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [new Filter("vpc-id", ["x"])] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { Filters = [new Filter("vpc-id", ["x"])] }));
    }

    [Fact]
    public async Task Ids_that_are_malformed_or_unknown_are_refused_with_the_codes_of_each_resource()
    {
        await DefaultVpcAsync(f.AliceEc2);
        var ec2 = f.AliceEc2;
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound", () => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = ["vpc-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidVpcID.Malformed", () => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = ["vpc-xyz"] }));
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["subnet-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidSubnetID.Malformed", () => ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = ["sg-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidRouteTableID.NotFound", () => ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = ["rtb-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidRouteTableId.Malformed", () => ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { RouteTableIds = ["rtb-1"] }));
        await Ec2Assert.FailsAsync("InvalidInternetGatewayID.NotFound",
            () => ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = ["igw-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidInternetGatewayId.Malformed",
            () => ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { InternetGatewayIds = ["igw"] }));
        await Ec2Assert.FailsAsync("InvalidDhcpOptionID.NotFound", () => ec2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { DhcpOptionsIds = ["dopt-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidDhcpOptionsId.Malformed", () => ec2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { DhcpOptionsIds = ["dopt-ZZ"] }));
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound",
            () => ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = "vpc-0123456789abcdef0", Attribute = VpcAttributeName.EnableDnsSupport }));
        var vpc = await DefaultVpcAsync(ec2);
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => ec2.DescribeVpcAttributeAsync(new DescribeVpcAttributeRequest { VpcId = vpc.VpcId, Attribute = "enableEverything" }));
        // The ids that exist are found, alone or among others.
        Assert.Equal(vpc.VpcId, Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc.VpcId] })).Vpcs).VpcId);
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound", () => ec2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc.VpcId, "vpc-0123456789abcdef0"] }));
    }

    [Fact]
    public async Task Vpc_resources_take_tags_which_filters_and_DescribeTags_see()
    {
        var (ec2, _) = await NewAccountAsync();
        using var __ = ec2;
        var vpc = await DefaultVpcAsync(ec2);
        var subnet = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets[0].SubnetId;
        var table = (await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest())).RouteTables[0].RouteTableId;
        var gateway = (await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest())).InternetGateways[0].InternetGatewayId;
        string[] ids = [vpc.VpcId, subnet, table, gateway, vpc.DhcpOptionsId];
        await ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [.. ids], Tags = [new Tag("Name", "main"), new Tag("env", "test")] });

        var tags = (await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["Name"])] })).Tags;
        Assert.Equal(ids.Order(StringComparer.Ordinal), tags.Select(t => t.ResourceId));
        Assert.Equal(["dhcp-options", "internet-gateway", "route-table", "subnet", "vpc"], tags.Select(t => t.ResourceType.Value).Order());
        Assert.Equal("main", Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("tag:Name", ["main"])] })).Vpcs)
            .Tags.Single(t => t.Key == "Name").Value);
        Assert.Equal(subnet, Assert.Single((await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = [new Filter("tag:Name", ["main"])] })).Subnets).SubnetId);
        Assert.Single((await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = [new Filter("tag-key", ["env"])] })).RouteTables);
        Assert.Single((await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [new Filter("tag-value", ["test"])] })).InternetGateways);
        Assert.Single((await ec2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { Filters = [new Filter("tag:env", ["test"])] })).DhcpOptions);
        Assert.Empty((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("tag:Name", ["other"])] })).Vpcs ?? []);

        await ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = [.. ids], Tags = [new Tag { Key = "Name" }] });
        Assert.Equal(["env"], (await DefaultVpcAsync(ec2)).Tags.Select(t => t.Key));
        Assert.Empty((await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["Name"])] })).Tags ?? []);
        // An id of a kind that exists, but not the account's: NotFound, and no tag written on the others.
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound",
            () => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = [vpc.VpcId, "subnet-0123456789abcdef0"], Tags = [new Tag("half", "written")] }));
        await Ec2Assert.FailsAsync("InvalidRouteTableID.NotFound",
            () => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ["rtb-0123456789abcdef0"], Tags = [new Tag("k", "v")] }));
        await Ec2Assert.FailsAsync("InvalidInternetGatewayID.NotFound",
            () => ec2.DeleteTagsAsync(new DeleteTagsRequest { Resources = ["igw-0123456789abcdef0"] }));
        await Ec2Assert.FailsAsync("InvalidDhcpOptionID.NotFound",
            () => ec2.CreateTagsAsync(new CreateTagsRequest { Resources = ["dopt-0123456789abcdef0"], Tags = [new Tag("k", "v")] }));
        Assert.Empty((await ec2.DescribeTagsAsync(new DescribeTagsRequest { Filters = [new Filter("key", ["half"])] })).Tags ?? []);
    }

    [Fact]
    public async Task Paging_parameters_are_checked_as_AWS_does()
    {
        var page = await f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest { MaxResults = 5 });
        Assert.Equal(2, page.Subnets.Count);
        Assert.Null(page.NextToken);
        // The SDK refuses these values itself; the wire answer is AWS's.
        using var query = f.Query(f.Alice);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeVpcs", ["MaxResults"] = "4" }),
            "InvalidParameterValue", System.Net.HttpStatusCode.BadRequest);
        Ec2Assert.IsError(await query.SendAsync(new Dictionary<string, string> { ["Action"] = "DescribeRouteTables", ["MaxResults"] = "101" }),
            "InvalidParameterValue", System.Net.HttpStatusCode.BadRequest);
        await Ec2Assert.FailsAsync("InvalidNextToken", () => f.AliceEc2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { MaxResults = 5, NextToken = "bogus" }));
        var vpc = await DefaultVpcAsync(f.AliceEc2);
        await Ec2Assert.FailsAsync("InvalidParameterCombination",
            () => f.AliceEc2.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [vpc.VpcId], MaxResults = 5 }));
        Assert.Single((await f.AliceEc2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest { MaxResults = 5 })).DhcpOptions);
    }

    [Fact]
    public async Task Account_attributes_name_the_platform_the_default_vpc_and_the_limits()
    {
        var vpc = await DefaultVpcAsync(f.AliceEc2);
        var all = (await f.AliceEc2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest())).AccountAttributes
            .ToDictionary(a => a.AttributeName, a => string.Join(",", a.AttributeValues.Select(v => v.AttributeValue)));
        Assert.Equal(new Dictionary<string, string>
        {
            ["supported-platforms"] = "VPC", ["default-vpc"] = vpc.VpcId, ["max-instances"] = "1000", ["vpc-max-security-groups-per-interface"] = "5",
            ["max-elastic-ips"] = "5", ["vpc-max-elastic-ips"] = "5",
        }, all);
        var some = (await f.AliceEc2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest { AttributeNames = ["default-vpc", "supported-platforms"] }))
            .AccountAttributes;
        Assert.Equal(["default-vpc", "supported-platforms"], some.Select(a => a.AttributeName).Order());
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.DescribeAccountAttributesAsync(new DescribeAccountAttributesRequest { AttributeNames = ["max-everything"] }));
    }

    [Fact]
    public async Task Calls_of_custom_vpcs_are_refused_and_change_nothing()
    {
        var (ec2, accountId) = await NewAccountAsync();
        using var _ = ec2;
        var created = (await ec2.CreateDefaultVpcAsync(new CreateDefaultVpcRequest())).Vpc;
        Assert.True(created.IsDefault);
        Assert.Equal("172.31.0.0/16", created.CidrBlock);
        var vpc = await DefaultVpcAsync(ec2);
        Assert.Equal(created.VpcId, vpc.VpcId);
        await Ec2Assert.FailsAsync("DefaultVpcAlreadyExists", () => ec2.CreateDefaultVpcAsync(new CreateDefaultVpcRequest()));
        var subnet = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets[0].SubnetId;
        var table = (await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest())).RouteTables[0].RouteTableId;
        var gateway = (await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest())).InternetGateways[0].InternetGatewayId;

        Func<Task>[] refused =
        [
            () => ec2.CreateVpcAsync(new CreateVpcRequest { CidrBlock = "10.0.0.0/16" }),
            () => ec2.DeleteVpcAsync(new DeleteVpcRequest { VpcId = vpc.VpcId }),
            () => ec2.CreateSubnetAsync(new CreateSubnetRequest { VpcId = vpc.VpcId, CidrBlock = "172.31.32.0/20" }),
            () => ec2.DeleteSubnetAsync(new DeleteSubnetRequest { SubnetId = subnet }),
            () => ec2.CreateRouteTableAsync(new CreateRouteTableRequest { VpcId = vpc.VpcId }),
            () => ec2.CreateRouteAsync(new CreateRouteRequest { RouteTableId = table, DestinationCidrBlock = "10.9.0.0/16", GatewayId = gateway }),
            () => ec2.DeleteRouteAsync(new DeleteRouteRequest { RouteTableId = table, DestinationCidrBlock = "0.0.0.0/0" }),
            () => ec2.CreateInternetGatewayAsync(new CreateInternetGatewayRequest()),
            () => ec2.AttachInternetGatewayAsync(new AttachInternetGatewayRequest { InternetGatewayId = gateway, VpcId = vpc.VpcId }),
            () => ec2.CreateDhcpOptionsAsync(new CreateDhcpOptionsRequest { DhcpConfigurations = [new DhcpConfiguration { Key = "domain-name", Values = ["x.test"] }] }),
            () => ec2.AssociateDhcpOptionsAsync(new AssociateDhcpOptionsRequest { DhcpOptionsId = vpc.DhcpOptionsId, VpcId = vpc.VpcId }),
            () => ec2.ModifyVpcAttributeAsync(new ModifyVpcAttributeRequest { VpcId = vpc.VpcId, EnableDnsHostnames = false }),
            () => ec2.ModifySubnetAttributeAsync(new ModifySubnetAttributeRequest { SubnetId = subnet, MapPublicIpOnLaunch = false }),
        ];
        foreach (var call in refused)
        {
            var e = await Ec2Assert.FailsAsync("UnsupportedOperation", call);
            Assert.Contains("default VPC", e.Message);
        }

        var after = await DefaultVpcAsync(ec2);
        Assert.Equal((vpc.VpcId, vpc.CidrBlock, vpc.DhcpOptionsId), (after.VpcId, after.CidrBlock, after.DhcpOptionsId));
        Assert.Equal(2, (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Count(s => s.MapPublicIpOnLaunch == true));
        Assert.Equal(2, Assert.Single((await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest())).RouteTables).Routes.Count);
        Assert.Single((await ec2.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest())).InternetGateways);
        Assert.Single((await ec2.DescribeDhcpOptionsAsync(new DescribeDhcpOptionsRequest())).DhcpOptions);
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM vpcs WHERE account_id = @accountId", new { accountId }));
    }

    [Fact]
    public async Task Security_groups_are_in_the_default_vpc_and_are_created_only_there()
    {
        var vpc = await DefaultVpcAsync(f.AliceEc2);
        var name = ClcFixture.Unique("invpc");
        var created = await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = name, Description = "in the vpc", VpcId = vpc.VpcId });
        var plain = await f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("plain"), Description = "no vpc named" });
        var groups = (await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [created.GroupId, plain.GroupId] })).SecurityGroups;
        Assert.All(groups, g => Assert.Equal(vpc.VpcId, g.VpcId));
        var inVpc = (await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] })).SecurityGroups;
        Assert.Contains(inVpc, g => g.GroupId == created.GroupId);
        Assert.Contains(inVpc, g => g.GroupName == "default");
        Assert.Empty((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", ["vpc-0123456789abcdef0"])] })).SecurityGroups ?? []);
        // By id or, as in a default VPC, by name alone.
        Assert.Equal(created.GroupId, Assert.Single((await f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = [name] })).SecurityGroups).GroupId);

        var other = ClcFixture.Unique("elsewhere");
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound",
            () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = other, Description = "d", VpcId = "vpc-0123456789abcdef0" }));
        var bobs = (await DefaultVpcAsync(f.BobEc2)).VpcId;
        await Ec2Assert.FailsAsync("InvalidVpcID.NotFound",
            () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = other, Description = "d", VpcId = bobs }));
        await Ec2Assert.FailsAsync("InvalidVpcID.Malformed",
            () => f.AliceEc2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = other, Description = "d", VpcId = "vpc-nope" }));
        await Ec2Assert.FailsAsync("InvalidGroup.NotFound", () => f.AliceEc2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupNames = [other] }));
    }

    [Fact]
    public async Task Instances_are_in_the_default_subnet_of_their_zone()
    {
        var vpc = await DefaultVpcAsync(f.AliceEc2);
        var subnet = Assert.Single((await f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest
        {
            Filters = [new Filter("availability-zone", [ClcFixture.ComputeZone])],
        })).Subnets).SubnetId;
        RunInstancesRequest Launch(string subnetId, string? zone = null) => new()
        {
            ImageId = f.Guest.Machine, InstanceType = InstanceType.M1Small, MinCount = 1, MaxCount = 1, SubnetId = subnetId,
            Placement = zone is null ? null : new Placement { AvailabilityZone = zone },
        };
        var otherZone = Assert.Single((await f.AliceEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest
        {
            Filters = [new Filter("availability-zone", ["ironbark-b"])],
        })).Subnets).SubnetId;
        var bobs = (await f.BobEc2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets[0].SubnetId;
        async Task<int> LiveAsync() => ((await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest())).Reservations ?? [])
            .SelectMany(r => r.Instances).Count(i => i.State.Name != "terminated");
        var live = await LiveAsync();
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => f.AliceEc2.RunInstancesAsync(Launch("subnet-0123456789abcdef0")));
        await Ec2Assert.FailsAsync("InvalidSubnetID.NotFound", () => f.AliceEc2.RunInstancesAsync(Launch(bobs)));
        await Ec2Assert.FailsAsync("InvalidSubnetID.Malformed", () => f.AliceEc2.RunInstancesAsync(Launch("subnet-1")));
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.RunInstancesAsync(Launch(otherZone, ClcFixture.ComputeZone)));
        Assert.Equal(live, await LiveAsync());

        // The subnet decides the zone: no Placement needed.
        var launched = Assert.Single((await f.AliceEc2.RunInstancesAsync(Launch(subnet))).Reservation.Instances);
        try
        {
            Assert.Equal(ClcFixture.ComputeZone, launched.Placement.AvailabilityZone);
            Assert.Equal((vpc.VpcId, subnet), (launched.VpcId, launched.SubnetId));
            var described = Assert.Single(await f.AliceEc2.DescribeAsync(launched.InstanceId));
            Assert.Equal((vpc.VpcId, subnet), (described.VpcId, described.SubnetId));

            async Task<string[]> Ids(params Filter[] filters) =>
                [.. ((await f.AliceEc2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. filters] })).Reservations ?? [])
                    .SelectMany(r => r.Instances).Select(i => i.InstanceId)];
            Assert.Contains(launched.InstanceId, await Ids(new Filter("vpc-id", [vpc.VpcId]), new Filter("subnet-id", [subnet])));
            Assert.DoesNotContain(launched.InstanceId, await Ids(new Filter("subnet-id", ["subnet-0123456789abcdef0"])));
            Assert.DoesNotContain(launched.InstanceId, await Ids(new Filter("vpc-id", [(await DefaultVpcAsync(f.BobEc2)).VpcId])));
        }
        finally
        {
            await f.AliceEc2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [launched.InstanceId] });
            await f.AliceEc2.WaitForStateAsync("terminated", launched.InstanceId);
        }
    }

    /// <summary>What Ansible's ec2_instance and Terraform's data "aws_vpc" { default = true } ask, with the Debian aws CLI.</summary>
    [Fact]
    public async Task The_aws_cli_finds_the_default_vpc_and_its_subnets_as_ansible_and_terraform_ask()
    {
        var accountId = f.AliceAccountId;
        var env = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = f.Alice.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = f.Alice.SecretAccessKey, ["AWS_DEFAULT_REGION"] = "ironbark",
            ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null", ["AWS_EC2_METADATA_DISABLED"] = "true", ["AWS_PAGER"] = "",
        };
        async Task<System.Text.Json.JsonElement> Aws(params string[] args)
        {
            var (code, stdout, stderr) = await Ironbark.Testing.ProcessRunner.RunAsync("/usr/bin/aws",
                ["--endpoint-url", f.Endpoint.ToString(), "ec2", .. args, "--output", "json"], env);
            Assert.True(code == 0, $"aws ec2 {string.Join(' ', args)} exited {code}:\n{stdout}\n{stderr}");
            return System.Text.Json.JsonDocument.Parse(stdout).RootElement.Clone();
        }

        var vpc = Assert.Single((await Aws("describe-vpcs", "--filters", "Name=isDefault,Values=true")).GetProperty("Vpcs").EnumerateArray().ToList());
        var vpcId = vpc.GetProperty("VpcId").GetString()!;
        Assert.True(vpc.GetProperty("IsDefault").GetBoolean());
        Assert.Equal("172.31.0.0/16", vpc.GetProperty("CidrBlock").GetString());
        Assert.Equal(accountId, vpc.GetProperty("OwnerId").GetString());
        Assert.Equal(vpcId, Assert.Single((await Aws("describe-vpcs", "--filters", "Name=is-default,Values=true")).GetProperty("Vpcs").EnumerateArray().ToList())
            .GetProperty("VpcId").GetString());

        var subnets = (await Aws("describe-subnets", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=defaultForAz,Values=true"))
            .GetProperty("Subnets").EnumerateArray().ToList();
        Assert.Equal(["ironbark-a", "ironbark-b"], subnets.Select(s => s.GetProperty("AvailabilityZone").GetString()).Order());
        Assert.All(subnets, s => Assert.True(s.GetProperty("MapPublicIpOnLaunch").GetBoolean()));
        var inZone = Assert.Single((await Aws("describe-subnets", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=availability-zone,Values=ironbark-a",
            "Name=default-for-az,Values=true")).GetProperty("Subnets").EnumerateArray().ToList());
        Assert.Equal("172.31.0.0/20", inZone.GetProperty("CidrBlock").GetString());

        var attribute = Assert.Single((await Aws("describe-account-attributes", "--attribute-names", "default-vpc")).GetProperty("AccountAttributes").EnumerateArray().ToList());
        Assert.Equal(vpcId, Assert.Single(attribute.GetProperty("AttributeValues").EnumerateArray().ToList()).GetProperty("AttributeValue").GetString());
        var group = Assert.Single((await Aws("describe-security-groups", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=group-name,Values=default"))
            .GetProperty("SecurityGroups").EnumerateArray().ToList());
        Assert.Equal(vpcId, group.GetProperty("VpcId").GetString());
        var table = Assert.Single((await Aws("describe-route-tables", "--filters", $"Name=vpc-id,Values={vpcId}", "Name=association.main,Values=true"))
            .GetProperty("RouteTables").EnumerateArray().ToList());
        Assert.Contains(table.GetProperty("Routes").EnumerateArray(), r => r.GetProperty("DestinationCidrBlock").GetString() == "0.0.0.0/0");
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteVpcTests(SqliteClcFixture f) : VpcTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresVpcTests(PostgresClcFixture f) : VpcTests(f);
