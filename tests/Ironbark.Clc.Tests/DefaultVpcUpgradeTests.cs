using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Dapper;
using Ironbark.Clc.Store;
using Ironbark.Common.Data;
using Ironbark.Common.Ids;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Tests;

/// <summary>
/// The default VPC on a CLC of its own: security groups stored before VPCs existed move into their account's default VPC; a
/// configured range and many zones (a /20 each, in zone order; paged); a zone configured later gets a free /20 and nothing else
/// changes; options that could not hold a VPC are refused at start.
/// </summary>
public abstract class DefaultVpcUpgradeTests(ClcFixture f)
{
    /// <summary>The schema the release before VPCs left (its last migration: the key service).</summary>
    private const int VersionsBeforeVpcs = 6;

    private async Task<ClcServer> StartAsync(string dir, string? connection, IReadOnlyList<string> zones, string cidr = "172.31.0.0/16") =>
        await ClcServer.StartAsync(new ClcOptions
        {
            DataDir = dir, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", PostgresConnectionString = connection,
            AvailabilityZones = zones, DefaultVpcCidr = cidr,
        }, f.Accounts, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));

    private AmazonEC2Client Alice(ClcServer clc) => new(new BasicAWSCredentials(f.Alice.AccessKeyId, f.Alice.SecretAccessKey),
        new AmazonEC2Config { ServiceURL = clc.Endpoint.ToString(), AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });

    private TempDir NewDataDir()
    {
        var dir = new TempDir();
        TestCertificates.CopyPkiInto(new CloudCertificates(Path.Combine(f.DataDir, "pki")), dir.Path);
        return dir;
    }

    [Fact]
    public async Task Groups_stored_before_vpcs_move_into_the_default_vpc_and_the_old_default_group_stays_the_default()
    {
        using var dir = NewDataDir();
        var connection = await f.NewDatabaseAsync();
        var (defaultId, webId) = (ResourceId.New("sg"), ResourceId.New("sg"));
        await using (var old = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection)))
        {
            await ClcSchema.MigrateAsync(old, VersionsBeforeVpcs, CancellationToken.None);
            await using var c = await old.OpenAsync();
            await c.ExecuteAsync("INSERT INTO security_groups (group_id, account_id, group_name, description, created_ms) VALUES (@id, @account, @name, @description, 1)",
                new[] { new { id = defaultId, account = f.AliceAccountId, name = "default", description = "default group" },
                    new { id = webId, account = f.AliceAccountId, name = "web", description = "web servers" } });
            await c.ExecuteAsync("INSERT INTO security_group_rules (rule_id, group_id, is_egress, ip_protocol, cidr_ipv4, referenced_group_id, referenced_user_id, seq) " +
                "VALUES (@rule, @id, @egress, '-1', @cidr, @peer, @user, @seq)",
                new[] { new { rule = ResourceId.New("sgr"), id = defaultId, egress = false, cidr = (string?)null, peer = (string?)defaultId, user = (string?)f.AliceAccountId, seq = 1 },
                    new { rule = ResourceId.New("sgr"), id = defaultId, egress = true, cidr = (string?)"0.0.0.0/0", peer = (string?)null, user = (string?)null, seq = 2 } });
        }

        await using (var clc = await StartAsync(dir.Path, connection, ["upgrade-a"]))
        {
            using var ec2 = Alice(clc);
            var groups = (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest())).SecurityGroups;
            var vpc = Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
            Assert.Equal([(defaultId, "default"), (webId, "web")], groups.OrderBy(g => g.GroupName).Select(g => (g.GroupId, g.GroupName)));
            Assert.All(groups, g => Assert.Equal(vpc.VpcId, g.VpcId));
            Assert.Equal("default group", groups.Single(g => g.GroupId == defaultId).Description);
            Assert.Equal(2, (await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] })).SecurityGroups.Count);
        }
        await using var db = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection));
        await using var check = await db.OpenAsync();
        Assert.Equal(0, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE vpc_id IS NULL"));
    }

    [Fact]
    public async Task A_configured_range_gives_each_zone_a_twentieth_in_order_and_a_zone_added_later_a_free_one()
    {
        using var dir = NewDataDir();
        var connection = await f.NewDatabaseAsync();
        var zones = Enumerable.Range(1, 12).Select(i => $"zone-{i:00}").ToList();
        string[] before;
        await using (var clc = await StartAsync(dir.Path, connection, zones, "10.20.0.0/16"))
        {
            using var ec2 = Alice(clc);
            var vpc = Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
            Assert.Equal("10.20.0.0/16", vpc.CidrBlock);
            Assert.Equal("10.20.0.0/16", Assert.Single((await ec2.DescribeRouteTablesAsync(new DescribeRouteTablesRequest())).RouteTables)
                .Routes.Single(r => r.GatewayId == "local").DestinationCidrBlock);

            var subnets = new List<Subnet>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest { MaxResults = 5, NextToken = token });
                Assert.True(page.Subnets.Count <= 5);
                subnets.AddRange(page.Subnets);
                token = page.NextToken;
                pages++;
            } while (token is not null);
            Assert.Equal(3, pages);
            Assert.Equal(12, subnets.Select(s => s.SubnetId).Distinct().Count());
            Assert.Equal(zones.Select((z, i) => (z, $"10.20.{16 * i}.0/20")), subnets.Select(s => (s.AvailabilityZone, s.CidrBlock)).OrderBy(s => s.AvailabilityZone));
            before = [.. subnets.Select(s => $"{s.SubnetId} {s.AvailabilityZone} {s.CidrBlock}").Order()];
        }

        // A new zone first in the list: its index's /20 is taken, so it gets the first free one; the others keep theirs.
        await using (var clc = await StartAsync(dir.Path, connection, ["zone-new", .. zones], "10.20.0.0/16"))
        {
            using var ec2 = Alice(clc);
            var subnets = (await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets;
            Assert.Equal(13, subnets.Count);
            Assert.Equal("10.20.192.0/20", subnets.Single(s => s.AvailabilityZone == "zone-new").CidrBlock);
            Assert.Equal(before, subnets.Where(s => s.AvailabilityZone != "zone-new").Select(s => $"{s.SubnetId} {s.AvailabilityZone} {s.CidrBlock}").Order());
            Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
        }
    }

    [Fact]
    public async Task A_vpc_made_under_an_older_range_keeps_it_and_a_zone_it_has_no_room_for_gets_no_subnet()
    {
        using var dir = NewDataDir();
        var connection = await f.NewDatabaseAsync();
        string vpcId;
        await using (var clc = await StartAsync(dir.Path, connection, ["small-a"], "10.30.0.0/20"))
        {
            using var ec2 = Alice(clc);
            vpcId = Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs).VpcId;
        }
        await using (var clc = await StartAsync(dir.Path, connection, ["small-a", "small-b"]))
        {
            using var ec2 = Alice(clc);
            var vpc = Assert.Single((await ec2.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs);
            Assert.Equal((vpcId, "10.30.0.0/20"), (vpc.VpcId, vpc.CidrBlock));
            var subnet = Assert.Single((await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets);
            Assert.Equal(("small-a", "10.30.0.0/20"), (subnet.AvailabilityZone, subnet.CidrBlock));
            // Bob's VPC, made now, has today's range and a subnet in both zones.
            using var bob = new AmazonEC2Client(new BasicAWSCredentials(f.Bob.AccessKeyId, f.Bob.SecretAccessKey),
                new AmazonEC2Config { ServiceURL = clc.Endpoint.ToString(), AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });
            Assert.Equal("172.31.0.0/16", Assert.Single((await bob.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs).CidrBlock);
            Assert.Equal(2, (await bob.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Count);
        }
    }

    [Theory]
    [InlineData("10.20.0.1/16", 1)]
    [InlineData("10.20.0.0/24", 1)]
    [InlineData("10.20.0.0/15", 1)]
    [InlineData("fd00::/16", 1)]
    [InlineData("not a cidr", 1)]
    [InlineData("10.20.0.0/20", 2)]
    [InlineData("10.20.0.0/16", 17)]
    public void Options_that_cannot_hold_a_default_subnet_per_zone_are_refused(string cidr, int zoneCount)
    {
        var options = new ClcOptions { DataDir = "/nonexistent", DefaultVpcCidr = cidr, AvailabilityZones = [.. Enumerable.Range(0, zoneCount).Select(i => $"z{i}")] };
        Assert.Contains("default VPC", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void The_default_options_hold_sixteen_zones()
    {
        new ClcOptions { DataDir = "/nonexistent", AvailabilityZones = [.. Enumerable.Range(0, 16).Select(i => $"z{i}")] }.Validate();
        Assert.Throws<ArgumentException>(new ClcOptions { DataDir = "/nonexistent", MaxElasticIpsPerAccount = -1 }.Validate);
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteDefaultVpcUpgradeTests(SqliteClcFixture f) : DefaultVpcUpgradeTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresDefaultVpcUpgradeTests(PostgresClcFixture f) : DefaultVpcUpgradeTests(f);
