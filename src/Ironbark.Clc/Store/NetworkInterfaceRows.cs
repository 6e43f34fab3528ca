using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>
/// Network interfaces and their elastic IPs, read and written inside the transactions of the instance that owns them:
/// made with it, described with it, deleted (and their elastic IP disassociated) when it is terminated.
/// </summary>
internal static class NetworkInterfaceRows
{
    public const string MigrationSql =
        """
        CREATE TABLE network_interfaces (
            interface_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, instance_id TEXT, zone TEXT NOT NULL, vpc_id TEXT, subnet_id TEXT,
            mac_address TEXT, private_ip_address TEXT, private_dns_name TEXT, pool_public_ip TEXT, description TEXT NOT NULL, source_dest_check BOOLEAN NOT NULL,
            status TEXT NOT NULL, attachment_id TEXT, attach_ms BIGINT NOT NULL, created_ms BIGINT NOT NULL);
        CREATE INDEX network_interfaces_account ON network_interfaces (account_id);
        CREATE UNIQUE INDEX network_interfaces_instance ON network_interfaces (instance_id);
        CREATE TABLE network_interface_groups (
            interface_id TEXT NOT NULL REFERENCES network_interfaces(interface_id) ON DELETE CASCADE, group_id TEXT NOT NULL,
            group_name TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (interface_id, group_id));
        CREATE INDEX network_interface_groups_group ON network_interface_groups (group_id);
        CREATE TABLE elastic_addresses (
            allocation_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, public_ip TEXT NOT NULL UNIQUE, domain TEXT NOT NULL,
            created_ms BIGINT NOT NULL, association_id TEXT UNIQUE, network_interface_id TEXT UNIQUE, private_ip_address TEXT);
        CREATE INDEX elastic_addresses_account ON elastic_addresses (account_id);
        INSERT INTO network_interfaces (interface_id, account_id, instance_id, zone, description, source_dest_check, status, attachment_id,
            attach_ms, created_ms)
            SELECT 'eni-' || substr(instance_id, 3), account_id, instance_id, zone, '', TRUE, 'in-use', 'eni-attach-' || substr(instance_id, 3),
                launch_ms, launch_ms FROM instances WHERE state <> 'terminated';
        INSERT INTO network_interface_groups (interface_id, group_id, group_name, position)
            SELECT 'eni-' || substr(g.instance_id, 3), g.group_id, g.group_name, 0
            FROM instance_groups g JOIN instances i ON i.instance_id = g.instance_id WHERE i.state <> 'terminated';
        """;

    private const string Columns = "interface_id AS network_interface_id, account_id, instance_id, zone, vpc_id, subnet_id, mac_address, " +
                                   "private_ip_address, private_dns_name, pool_public_ip, description, source_dest_check, status, attachment_id, attach_ms, created_ms";

    public const string AddressColumns = "a.allocation_id, a.account_id, a.public_ip, a.domain, a.created_ms, a.association_id, " +
                                         "a.network_interface_id, a.private_ip_address, n.instance_id";

    public const string AddressFrom = "elastic_addresses a LEFT JOIN network_interfaces n ON n.interface_id = a.network_interface_id";

    public static async Task InsertAsync(DbConnection c, DbTransaction tx, IEnumerable<ElasticNetworkInterface> interfaces)
    {
        foreach (var i in interfaces)
        {
            await c.ExecuteAsync(
                "INSERT INTO network_interfaces (interface_id, account_id, instance_id, zone, vpc_id, subnet_id, mac_address, private_ip_address, " +
                "private_dns_name, pool_public_ip, description, source_dest_check, status, attachment_id, attach_ms, created_ms) VALUES (@NetworkInterfaceId, @AccountId, " +
                "@InstanceId, @Zone, @VpcId, @SubnetId, @MacAddress, @PrivateIpAddress, @PrivateDnsName, @PoolPublicIp, @Description, @SourceDestCheck, @Status, " +
                "@AttachmentId, @AttachMs, @CreatedMs)", i, tx);
            await InsertGroupsAsync(c, tx, i.NetworkInterfaceId, i.Groups);
            await TagRows.InsertAsync(c, tx, i.NetworkInterfaceId, i.AccountId, i.Tags);
        }
    }

    /// <summary>Puts the interface in exactly these groups, in this order.</summary>
    public static async Task SetGroupsAsync(DbConnection c, DbTransaction tx, string interfaceId, IReadOnlyList<GroupRef> groups)
    {
        await c.ExecuteAsync("DELETE FROM network_interface_groups WHERE interface_id = @interfaceId", new { interfaceId }, tx);
        await InsertGroupsAsync(c, tx, interfaceId, groups);
    }

    /// <summary>ModifyInstanceAttribute GroupId: the groups of the instance are those of its primary interface.</summary>
    public static async Task SetInstanceGroupsAsync(DbConnection c, DbTransaction tx, string instanceId, IReadOnlyList<GroupRef> groups)
    {
        var interfaceId = await c.ExecuteScalarAsync<string?>("SELECT interface_id FROM network_interfaces WHERE instance_id = @instanceId", new { instanceId }, tx);
        if (interfaceId is not null)
            await SetGroupsAsync(c, tx, interfaceId, groups);
    }

    /// <summary>
    /// An instance became terminated: its elastic IP is disassociated (the allocation stays the account's) and its
    /// interface deleted, in the transaction that terminated it.
    /// </summary>
    public static async Task ReleaseForInstanceAsync(DbConnection c, DbTransaction tx, Database db, string instanceId)
    {
        var interfaceId = await c.ExecuteScalarAsync<string?>("SELECT interface_id FROM network_interfaces WHERE instance_id = @instanceId", new { instanceId }, tx);
        if (interfaceId is null)
            return;
        var accountId = await c.ExecuteScalarAsync<string?>("SELECT account_id FROM network_interfaces WHERE interface_id = @interfaceId", new { interfaceId }, tx);
        await db.LockAsync(c, tx, AddressLock(accountId!));
        await c.ExecuteAsync("UPDATE elastic_addresses SET association_id = NULL, network_interface_id = NULL, private_ip_address = NULL " +
                             "WHERE network_interface_id = @interfaceId", new { interfaceId }, tx);
        await c.ExecuteAsync("DELETE FROM network_interfaces WHERE interface_id = @interfaceId", new { interfaceId }, tx);
        await TagRows.DeleteAsync(c, tx, interfaceId);
    }

    /// <summary>The key of the lock every change of an account's address associations takes.</summary>
    public static string AddressLock(string accountId) => "elastic-addresses:" + accountId;

    /// <summary>Every interface attached to an instance, of every account, with groups and elastic IPs (no tags): what the clusters should have.</summary>
    public static async Task<IReadOnlyList<ElasticNetworkInterface>> ListAttachedAsync(DbConnection c)
    {
        var interfaces = (await c.QueryAsync<ElasticNetworkInterface>($"SELECT {Columns} FROM network_interfaces WHERE instance_id IS NOT NULL")).ToList();
        var groups = (await c.QueryAsync<(string InterfaceId, string GroupId, string GroupName)>(
                "SELECT interface_id, group_id, group_name FROM network_interface_groups ORDER BY position, group_id"))
            .ToLookup(g => g.InterfaceId, g => new GroupRef(g.GroupId, g.GroupName));
        var addresses = (await c.QueryAsync<ElasticAddress>($"SELECT {AddressColumns} FROM {AddressFrom} WHERE a.network_interface_id IS NOT NULL"))
            .ToDictionary(a => a.NetworkInterfaceId!);
        foreach (var i in interfaces)
        {
            i.Groups = groups[i.NetworkInterfaceId].ToList();
            i.ElasticAddress = addresses.GetValueOrDefault(i.NetworkInterfaceId);
        }
        return interfaces;
    }

    /// <summary>
    /// The account's interfaces (or only those of these instances), with groups, tags (those given, when the caller read them
    /// already) and elastic IPs.
    /// </summary>
    public static async Task<IReadOnlyList<ElasticNetworkInterface>> ListAsync(DbConnection c, Database db, string accountId, string[]? instanceIds,
        ILookup<string, Tag>? accountTags = null)
    {
        var only = instanceIds is null ? "" : " AND " + db.AnyOf("instance_id", "@instanceIds");
        var interfaces = (await c.QueryAsync<ElasticNetworkInterface>($"SELECT {Columns} FROM network_interfaces WHERE account_id = @accountId{only}",
            new { accountId, instanceIds })).ToList();
        if (interfaces.Count == 0)
            return interfaces;
        var groups = (await c.QueryAsync<(string InterfaceId, string GroupId, string GroupName)>(
                "SELECT g.interface_id, g.group_id, g.group_name FROM network_interface_groups g JOIN network_interfaces n ON n.interface_id = g.interface_id " +
                $"WHERE n.account_id = @accountId{only.Replace("instance_id", "n.instance_id")} ORDER BY g.position, g.group_id", new { accountId, instanceIds }))
            .ToLookup(g => g.InterfaceId, g => new GroupRef(g.GroupId, g.GroupName));
        var addresses = (await c.QueryAsync<ElasticAddress>(
                $"SELECT {AddressColumns} FROM {AddressFrom} WHERE a.account_id = @accountId AND a.network_interface_id IS NOT NULL", new { accountId }))
            .ToDictionary(a => a.NetworkInterfaceId!);
        var tags = instanceIds is null ? accountTags ?? await TagRows.ForAccountAsync(c, accountId)
            : await TagRows.ForResourcesAsync(c, db, interfaces.Select(i => i.NetworkInterfaceId).ToArray());
        foreach (var i in interfaces)
        {
            i.Groups = groups[i.NetworkInterfaceId].ToList();
            i.Tags = tags[i.NetworkInterfaceId].ToList();
            i.ElasticAddress = addresses.GetValueOrDefault(i.NetworkInterfaceId);
        }
        return interfaces;
    }

    private static Task InsertGroupsAsync(DbConnection c, DbTransaction tx, string interfaceId, IReadOnlyList<GroupRef> groups) =>
        c.ExecuteAsync("INSERT INTO network_interface_groups (interface_id, group_id, group_name, position) VALUES (@interfaceId, @GroupId, @GroupName, @position)",
            groups.Select((g, position) => new { interfaceId, g.GroupId, g.GroupName, position }), tx);
}
