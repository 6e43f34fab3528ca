using Dapper;
using Ironbark.Cc.Domain;
using Ironbark.Cc.Store;
using Ironbark.Common.Data;
using Ironbark.Testing;

namespace Ironbark.Cc.Tests;

/// <summary>
/// The store's allocations under contention on both databases: two stores on one database (two writers that share no
/// lock in memory, as two processes) allocating at once never hand out the same MAC, private or public address, because
/// the database's unique constraints refuse the loser, which then chooses again.
/// </summary>
public abstract class InterfaceStoreTests(bool postgres) : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private Database _one = null!, _two = null!;

    public async Task InitializeAsync()
    {
        var options = postgres
            ? DatabaseOptions.Postgres(await (await PostgresServer.SharedAsync()).CreateDatabaseAsync())
            : DatabaseOptions.Sqlite(_dir.Combine("cc.db"));
        _one = new Database(options);
        _two = new Database(options);
        await CcSchema.MigrateAsync(_one, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _one.DisposeAsync();
        await _two.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Two_writers_allocating_at_once_never_share_a_mac_a_private_or_a_public_address()
    {
        var pool = PublicAddressPool.Parse("203.0.113.0/24");
        var stores = new[] { new InterfaceStore(_one), new InterfaceStore(_two) };

        var allocated = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            stores[i % 2].AllocateAsync(Asked(i, vpc: i % 4 < 2 ? "vpc-a" : "vpc-b"), "ironbark.compute.internal", pool))));

        Assert.Equal(40, allocated.Select(a => a.Mac).Distinct().Count());
        Assert.Equal(40, allocated.Select(a => a.PublicIp).Distinct().Count());
        // Each VPC has its own addresses (the same range twice) and its own tunnel id.
        foreach (var vpc in allocated.GroupBy(a => a.VpcId))
        {
            Assert.Equal(Enumerable.Range(4, 20).Select(n => $"172.31.0.{n}"), vpc.Select(a => a.PrivateIp).OrderBy(ip => int.Parse(ip.Split('.')[3])));
            Assert.Single(vpc.Select(a => a.Vni).Distinct());
        }
        Assert.Equal(2, allocated.Select(a => a.Vni).Distinct().Count());
        Assert.Equal(40, (await stores[0].PoolAsync()).Count);
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_holder_of_an_address()
    {
        var pool = PublicAddressPool.Parse("203.0.113.0/24");
        var first = await new InterfaceStore(_one).AllocateAsync(Asked(0, "vpc-a"), "ironbark.compute.internal", pool);
        await using var c = await _two.OpenAsync();

        const string insert = "INSERT INTO cc_interfaces (interface_id, instance_id, vpc_id, subnet_id, subnet_cidr, vpc_cidr, gateway_ip, mac, " +
            "private_ip, private_dns_name, dns_domain, security_group_ids, assign_public_ip, public_ip, public_kind, node_url) VALUES ('eni-2', 'i-2', " +
            "'vpc-a', 's', '172.31.0.0/20', '', '', @mac, @ip, '', '', '', @no, @publicIp, 'pool', '')";
        var twins = new (string Sql, object Values)[]
        {
            ("INSERT INTO cc_public_pool (public_ip, interface_id) VALUES (@PublicIp, @InterfaceId)", new { first.PublicIp, first.InterfaceId }),
            ("INSERT INTO cc_networks (vpc_id, vni, cidr) VALUES ('vpc-z', @vni, '')", new { vni = (long)first.Vni }),
            (insert, new { mac = first.Mac, ip = "172.31.0.99", no = false, publicIp = (string?)null }),
            (insert, new { mac = "02:00:00:00:00:99", ip = first.PrivateIp, no = false, publicIp = (string?)null }),
            (insert, new { mac = "02:00:00:00:00:99", ip = "172.31.0.99", no = false, publicIp = first.PublicIp }),
        };
        foreach (var (sql, values) in twins)
            Assert.True(UniqueViolation.Is(await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => c.ExecuteAsync(sql, values))), sql);
        Assert.Single(await new InterfaceStore(_two).ListAsync());
    }

    private static VpcInterface Asked(int i, string vpc) => new()
    {
        InterfaceId = $"eni-{i:x17}", InstanceId = $"i-{i:x17}", VpcId = vpc, SubnetId = $"subnet-{vpc}", SubnetCidr = "172.31.0.0/20",
        VpcCidr = "172.31.0.0/16", SecurityGroupIds = ["sg-00000000000000001"], AssignPublicIp = true,
    };
}

public sealed class SqliteInterfaceStoreTests() : InterfaceStoreTests(postgres: false);

public sealed class PostgresInterfaceStoreTests() : InterfaceStoreTests(postgres: true);
