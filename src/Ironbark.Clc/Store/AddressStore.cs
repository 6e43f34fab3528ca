using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>
/// Elastic IPs. The pool is shared by the region: an allocation picks its address under the pool's lock, and the address is
/// unique in the table besides. Every association change is a compare-and-set on the association the caller read.
/// </summary>
public sealed class AddressStore(Database db)
{
    private const string PoolLock = "elastic-address-pool";

    /// <summary>
    /// Allocates <paramref name="requested"/> (or the lowest free address of the pool) to the account, with its tags.
    /// AddressLimitExceeded when the account holds its limit, InsufficientAddressCapacity when the pool is used up,
    /// InvalidAddress.NotFound when the requested address is not in the pool or not free.
    /// </summary>
    public async Task<ElasticAddress> AllocateAsync(string accountId, AddressRange pool, int limit, string? requested, IReadOnlyList<Tag> tags,
        string allocationId, long nowMs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, PoolLock);
        var held = await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM elastic_addresses WHERE account_id = @accountId", new { accountId }, tx);
        if (held >= limit)
            throw new Ec2Exception("AddressLimitExceeded", $"The maximum number of addresses ({limit}) has been reached.");
        var used = (await c.QueryAsync<string>("SELECT public_ip FROM elastic_addresses", transaction: tx)).ToHashSet(StringComparer.Ordinal);
        string publicIp;
        if (requested is not null)
            publicIp = pool.Contains(requested) && !used.Contains(requested) ? requested
                : throw new Ec2Exception("InvalidAddress.NotFound", $"The address '{requested}' is not available in the address pool.");
        else
            publicIp = pool.Addresses().FirstOrDefault(a => !used.Contains(a))
                       ?? throw new Ec2Exception("InsufficientAddressCapacity", "There are no free addresses left in the region's elastic IP pool.");
        var address = new ElasticAddress { AllocationId = allocationId, AccountId = accountId, PublicIp = publicIp, CreatedMs = nowMs, Tags = tags };
        await c.ExecuteAsync("INSERT INTO elastic_addresses (allocation_id, account_id, public_ip, domain, created_ms) " +
                             "VALUES (@AllocationId, @AccountId, @PublicIp, @Domain, @CreatedMs)", address, tx);
        await TagRows.InsertAsync(c, tx, allocationId, accountId, tags);
        await tx.CommitAsync(ct);
        return address;
    }

    /// <summary>The account's elastic IPs, with the instance of the interface each is associated with, and tags.</summary>
    public async Task<IReadOnlyList<ElasticAddress>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var addresses = (await c.QueryAsync<ElasticAddress>(
            $"SELECT {NetworkInterfaceRows.AddressColumns} FROM {NetworkInterfaceRows.AddressFrom} WHERE a.account_id = @accountId", new { accountId })).ToList();
        var tags = await TagRows.ForAccountAsync(c, accountId);
        foreach (var address in addresses)
            address.Tags = tags[address.AllocationId].ToList();
        return addresses.OrderBy(a => a.PublicIp, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Compare-and-set: associates the address with the interface if its association is still <paramref name="expectedAssociationId"/>
    /// and the interface's instance is still running or stopped. Another elastic IP on that interface is disassociated from it
    /// in the same transaction (an interface has one public address). False when either has changed since it was read.
    /// </summary>
    public async Task<bool> TryAssociateAsync(string accountId, string allocationId, string? expectedAssociationId, string interfaceId,
        string? privateIp, string associationId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, NetworkInterfaceRows.AddressLock(accountId));
        var args = new
        {
            accountId, allocationId, expected = expectedAssociationId ?? "", interfaceId, privateIp, associationId,
            running = InstanceState.Running, stopped = "stopped",
        };
        var attachable = await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM network_interfaces n JOIN instances i ON i.instance_id = n.instance_id " +
            "WHERE n.interface_id = @interfaceId AND n.account_id = @accountId AND i.state IN (@running, @stopped)", args, tx);
        if (attachable == 0)
            return false;
        await c.ExecuteAsync("UPDATE elastic_addresses SET association_id = NULL, network_interface_id = NULL, private_ip_address = NULL " +
                             "WHERE network_interface_id = @interfaceId AND allocation_id <> @allocationId", args, tx);
        var moved = await c.ExecuteAsync(
            "UPDATE elastic_addresses SET association_id = @associationId, network_interface_id = @interfaceId, private_ip_address = @privateIp " +
            "WHERE allocation_id = @allocationId AND account_id = @accountId AND COALESCE(association_id, '') = @expected", args, tx);
        if (moved == 0)
            return false;
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Compare-and-set: disassociates the address if it still has this association; false when it has not.</summary>
    public async Task<bool> TryDisassociateAsync(string accountId, string allocationId, string associationId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, NetworkInterfaceRows.AddressLock(accountId));
        var changed = await c.ExecuteAsync(
            "UPDATE elastic_addresses SET association_id = NULL, network_interface_id = NULL, private_ip_address = NULL " +
            "WHERE allocation_id = @allocationId AND account_id = @accountId AND association_id = @associationId",
            new { allocationId, accountId, associationId }, tx);
        await tx.CommitAsync(ct);
        return changed == 1;
    }

    /// <summary>Compare-and-set: releases the address (and its tags) if it is the account's and not associated; false otherwise.</summary>
    public async Task<bool> TryReleaseAsync(string accountId, string allocationId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, NetworkInterfaceRows.AddressLock(accountId));
        var deleted = await c.ExecuteAsync(
            "DELETE FROM elastic_addresses WHERE allocation_id = @allocationId AND account_id = @accountId AND association_id IS NULL",
            new { allocationId, accountId }, tx);
        if (deleted == 1)
            await TagRows.DeleteAsync(c, tx, allocationId);
        await tx.CommitAsync(ct);
        return deleted == 1;
    }
}
