using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>An account's network interfaces: read with their groups, tags and elastic IPs; their attributes changed.</summary>
public sealed class NetworkInterfaceStore(Database db)
{
    public async Task<IReadOnlyList<ElasticNetworkInterface>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await NetworkInterfaceRows.ListAsync(c, db, accountId, null)).OrderBy(n => n.NetworkInterfaceId, StringComparer.Ordinal).ToList();
    }

    /// <summary>The primary interface of the account's instance, with its groups and elastic IP; null when it has none.</summary>
    public async Task<ElasticNetworkInterface?> FindPrimaryAsync(string accountId, string instanceId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await NetworkInterfaceRows.ListAsync(c, db, accountId, [instanceId])).SingleOrDefault();
    }

    /// <summary>How many of the account's interfaces each of its subnets holds.</summary>
    public async Task<IReadOnlyDictionary<string, long>> CountBySubnetAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<(string SubnetId, long Count)>(
                "SELECT subnet_id, COUNT(*) FROM network_interfaces WHERE account_id = @accountId AND subnet_id IS NOT NULL GROUP BY subnet_id", new { accountId }))
            .ToDictionary(r => r.SubnetId, r => r.Count, StringComparer.Ordinal);
    }

    /// <summary>The primary interface of every instance that has one, of every account, by instance id, with groups and elastic IPs (no tags).</summary>
    public async Task<IReadOnlyDictionary<string, ElasticNetworkInterface>> ListPrimaryByInstanceAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await NetworkInterfaceRows.ListAttachedAsync(c)).ToDictionary(n => n.InstanceId!, StringComparer.Ordinal);
    }

    /// <summary>Records the pool address the CC gave the interface now (null: none), e.g. after an elastic IP left it.</summary>
    public async Task SetPoolPublicIpAsync(string interfaceId, string? poolPublicIp, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync("UPDATE network_interfaces SET pool_public_ip = @poolPublicIp WHERE interface_id = @interfaceId", new { interfaceId, poolPublicIp }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Records what the zone's CC allocated for the interface at launch (ClusterInstance.network): its MAC, private address and
    /// name, and the pool's public address (null when it gave none). False when the interface is gone.
    /// </summary>
    public async Task<bool> RecordAllocationAsync(string interfaceId, string macAddress, string privateIpAddress, string? privateDnsName,
        string? poolPublicIp, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var changed = await c.ExecuteAsync(
            "UPDATE network_interfaces SET mac_address = @macAddress, private_ip_address = @privateIpAddress, private_dns_name = @privateDnsName, " +
            "pool_public_ip = @poolPublicIp WHERE interface_id = @interfaceId", new { interfaceId, macAddress, privateIpAddress, privateDnsName, poolPublicIp }, tx);
        await tx.CommitAsync(ct);
        return changed == 1;
    }

    /// <summary>
    /// Writes the description, source/dest check and groups of the interface; the groups of a primary interface are its
    /// instance's, so they change together. False when the interface is gone (its instance terminated meanwhile).
    /// </summary>
    public async Task<bool> UpdateAsync(ElasticNetworkInterface changed, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        if (await c.ExecuteAsync("UPDATE network_interfaces SET description = @Description, source_dest_check = @SourceDestCheck " +
                                 "WHERE interface_id = @NetworkInterfaceId AND account_id = @AccountId", changed, tx) == 0)
            return false;
        await NetworkInterfaceRows.SetGroupsAsync(c, tx, changed.NetworkInterfaceId, changed.Groups);
        if (changed.InstanceId is { } instanceId)
        {
            await c.ExecuteAsync("DELETE FROM instance_groups WHERE instance_id = @instanceId", new { instanceId }, tx);
            await c.ExecuteAsync("INSERT INTO instance_groups (instance_id, group_id, group_name) VALUES (@instanceId, @GroupId, @GroupName)",
                changed.Groups.Select(g => new { instanceId, g.GroupId, g.GroupName }), tx);
        }
        await tx.CommitAsync(ct);
        return true;
    }
}
