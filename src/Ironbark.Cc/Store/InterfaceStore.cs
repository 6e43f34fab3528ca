using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Ironbark.Cc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Cc.Store;

/// <summary>
/// The zone's VPC interfaces, their networks (a tunnel id per VPC) and the public pool (who holds which address).
/// Every value that must be unique — MAC, private address in its VPC, public address, tunnel id — is chosen inside
/// the write that inserts it and guarded by a unique constraint, so concurrent writers never share one.
/// </summary>
public sealed class InterfaceStore(Database db)
{
    /// <summary>The largest VXLAN network identifier (24 bits).</summary>
    public const uint MaxVni = 16_777_215;

    public async Task<VpcInterface?> FindByInstanceAsync(string instanceId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await FindAsync(c, null, "i.instance_id = @id", instanceId);
    }

    public async Task<VpcInterface?> FindAsync(string interfaceId, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await FindAsync(c, null, "i.interface_id = @id", interfaceId);
    }

    /// <summary>The interfaces of these instances, or every interface of the zone when <paramref name="instanceIds"/> is null.</summary>
    public async Task<IReadOnlyList<VpcInterface>> ListAsync(IReadOnlyCollection<string>? instanceIds = null, CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var sql = instanceIds is null ? InterfaceRow.Select : $"{InterfaceRow.Select} WHERE {db.AnyOf("i.instance_id", "@ids")}";
        var rows = await c.QueryAsync<InterfaceRow>(sql + " ORDER BY i.interface_id", new { ids = instanceIds?.ToArray() ?? [] });
        return [.. rows.Select(r => r.ToInterface())];
    }

    /// <summary>
    /// Allocates the interface the CLC asked for: the VPC's tunnel id (a new one for a VPC new to the zone), a MAC, the
    /// lowest free private address of the subnet, and a pool address when it asks for one and one is free. An instance
    /// already allocated (a retried launch) gets what it has.
    /// </summary>
    /// <exception cref="CcException">InsufficientFreeAddressesInSubnet; InvalidNetworkInterfaceID.Duplicate.</exception>
    public Task<VpcInterface> AllocateAsync(VpcInterface asked, string dnsDomain, PublicAddressPool pool, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            if (await FindAsync(c, tx, "i.instance_id = @id", asked.InstanceId) is { } known)
                return known;
            if (await FindAsync(c, tx, "i.interface_id = @id", asked.InterfaceId) is { } other)
                throw CcException.Invalid("InvalidNetworkInterfaceID.Duplicate",
                    $"The network interface '{asked.InterfaceId}' is already the interface of instance {other.InstanceId}.");
            var subnet = SubnetAddresses.Parse(asked.SubnetCidr);
            var vni = await NetworkAsync(c, tx, asked.VpcId, asked.VpcCidr);
            var held = await c.QueryAsync<string>("SELECT private_ip FROM cc_interfaces WHERE vpc_id = @VpcId", asked, tx);
            var ip = subnet.FirstFree(held) ?? throw new CcException("InsufficientFreeAddressesInSubnet",
                $"The subnet {asked.SubnetId} ({asked.SubnetCidr}) has no free address left.", Common.Rpc.ErrorKind.Capacity);
            var allocated = asked with
            {
                Mac = NewMac(), PrivateIp = ip, GatewayIp = subnet.Gateway, Vni = vni, DnsDomain = dnsDomain,
                PrivateDnsName = $"ip-{ip.Replace('.', '-')}.{dnsDomain}", PublicIp = "", PublicKind = PublicAddressKind.None,
            };
            await c.ExecuteAsync(
                "INSERT INTO cc_interfaces (interface_id, instance_id, vpc_id, subnet_id, subnet_cidr, vpc_cidr, gateway_ip, mac, private_ip, " +
                "private_dns_name, dns_domain, security_group_ids, assign_public_ip, public_ip, public_kind, node_url) VALUES (@InterfaceId, " +
                "@InstanceId, @VpcId, @SubnetId, @SubnetCidr, @VpcCidr, @GatewayIp, @Mac, @PrivateIp, @PrivateDnsName, @DnsDomain, @Groups, " +
                "@AssignPublicIp, NULL, 'none', @NodeUrl)",
                new
                {
                    allocated.InterfaceId, allocated.InstanceId, allocated.VpcId, allocated.SubnetId, allocated.SubnetCidr, allocated.VpcCidr,
                    allocated.GatewayIp, allocated.Mac, allocated.PrivateIp, allocated.PrivateDnsName, allocated.DnsDomain,
                    Groups = InterfaceRow.Groups(allocated.SecurityGroupIds), allocated.AssignPublicIp, allocated.NodeUrl,
                }, tx);
            if (asked.AssignPublicIp && await GivePoolAddressAsync(c, tx, allocated.InterfaceId, pool) is { } publicIp)
                allocated = allocated with { PublicIp = publicIp, PublicKind = PublicAddressKind.Pool };
            return allocated;
        }, ct);

    /// <summary>Records the node a launch is placed on; null when the instance has no interface here.</summary>
    public Task<VpcInterface?> PlaceAsync(string instanceId, string nodeUrl, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            await c.ExecuteAsync("UPDATE cc_interfaces SET node_url = @nodeUrl WHERE instance_id = @instanceId", new { nodeUrl, instanceId }, tx);
            return await FindAsync(c, tx, "i.instance_id = @id", instanceId);
        }, ct);

    /// <summary>Forgets the instance's interface: its private and pool addresses are free again (an elastic IP's mapping goes with it).</summary>
    /// <returns>The interface as it was, or null when the instance had none.</returns>
    public Task<VpcInterface?> ReleaseAsync(string instanceId, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            var known = await FindAsync(c, tx, "i.instance_id = @id", instanceId);
            if (known is not null)
            {
                await c.ExecuteAsync("DELETE FROM cc_public_pool WHERE interface_id = @InterfaceId", known, tx);
                await c.ExecuteAsync("DELETE FROM cc_interfaces WHERE interface_id = @InterfaceId", known, tx);
            }
            return known;
        }, ct);

    /// <summary>Replaces the interface's groups; null when there is no such interface.</summary>
    public Task<VpcInterface?> SetGroupsAsync(string interfaceId, IReadOnlyList<string> groupIds, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            await c.ExecuteAsync("UPDATE cc_interfaces SET security_group_ids = @groups WHERE interface_id = @interfaceId",
                new { groups = InterfaceRow.Groups(groupIds), interfaceId }, tx);
            return await FindAsync(c, tx, "i.interface_id = @id", interfaceId);
        }, ct);

    /// <summary>
    /// Maps the elastic IP to the interface in place of its pool address (back to the pool). An interface that held the
    /// elastic IP before loses it, and gets a pool address again if it was launched with one.
    /// </summary>
    /// <returns>The interface, and the one the address was taken from; null when there is no such interface.</returns>
    public Task<(VpcInterface Interface, VpcInterface? Previous)?> AssociateAsync(string interfaceId, string elasticIp, PublicAddressPool pool,
        CancellationToken ct = default) =>
        RacingWrite.RunAsync<(VpcInterface, VpcInterface?)?>(db, async (c, tx) =>
        {
            var target = await FindAsync(c, tx, "i.interface_id = @id", interfaceId);
            if (target is null)
                return null;
            if (target.PublicIp == elasticIp && target.PublicKind == PublicAddressKind.Elastic)
                return (target, null);
            var previous = await FindAsync(c, tx, "i.public_ip = @id", elasticIp);
            if (previous is not null)
                await SetPublicAsync(c, tx, previous.InterfaceId, null, PublicAddressKind.None);
            await c.ExecuteAsync("DELETE FROM cc_public_pool WHERE interface_id = @interfaceId", new { interfaceId }, tx);
            await SetPublicAsync(c, tx, interfaceId, elasticIp, PublicAddressKind.Elastic);
            if (previous is { AssignPublicIp: true })
                await GivePoolAddressAsync(c, tx, previous.InterfaceId, pool);
            var moved = previous is null ? null : await FindAsync(c, tx, "i.interface_id = @id", previous.InterfaceId);
            var associated = await FindAsync(c, tx, "i.interface_id = @id", interfaceId);
            return (associated!, moved);
        }, ct);

    /// <summary>
    /// Takes the elastic IP off the interface, which gets a pool address again if it was launched with one. An interface
    /// without that elastic IP is left as it is (a retried call). Null when there is no such interface.
    /// </summary>
    public Task<VpcInterface?> DisassociateAsync(string interfaceId, string elasticIp, PublicAddressPool pool, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            var target = await FindAsync(c, tx, "i.interface_id = @id", interfaceId);
            if (target is null || target.PublicIp != elasticIp || target.PublicKind != PublicAddressKind.Elastic)
                return target;
            await SetPublicAsync(c, tx, interfaceId, null, PublicAddressKind.None);
            if (target.AssignPublicIp)
                await GivePoolAddressAsync(c, tx, interfaceId, pool);
            return await FindAsync(c, tx, "i.interface_id = @id", interfaceId);
        }, ct);

    /// <summary>The pool addresses held now, by interface.</summary>
    public async Task<IReadOnlyDictionary<string, string>> PoolAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string PublicIp, string InterfaceId)>("SELECT public_ip, interface_id FROM cc_public_pool");
        return rows.ToDictionary(r => r.InterfaceId, r => r.PublicIp);
    }

    /// <summary>The VPC's tunnel id in this zone: the one it has, or the lowest free one for a VPC new here.</summary>
    private static async Task<uint> NetworkAsync(DbConnection c, DbTransaction tx, string vpcId, string vpcCidr)
    {
        if (await c.QuerySingleOrDefaultAsync<long?>("SELECT vni FROM cc_networks WHERE vpc_id = @vpcId", new { vpcId }, tx) is { } known)
            return (uint)known;
        var taken = (await c.QueryAsync<long>("SELECT vni FROM cc_networks", transaction: tx)).ToHashSet();
        var vni = 1L;
        while (taken.Contains(vni))
            vni++;
        if (vni > MaxVni)
            throw new CcException("VpcLimitExceeded", "Every VXLAN network identifier of this zone is in use.", Common.Rpc.ErrorKind.Capacity);
        await c.ExecuteAsync("INSERT INTO cc_networks (vpc_id, vni, cidr) VALUES (@vpcId, @vni, @vpcCidr)", new { vpcId, vni, vpcCidr }, tx);
        return (uint)vni;
    }

    /// <summary>Gives the interface the pool's lowest free address; null (and nothing written) when the pool is empty.</summary>
    private static async Task<string?> GivePoolAddressAsync(DbConnection c, DbTransaction tx, string interfaceId, PublicAddressPool pool)
    {
        var held = await c.QueryAsync<string>("SELECT public_ip FROM cc_public_pool", transaction: tx);
        if (pool.FirstFree(held) is not { } address)
            return null;
        await c.ExecuteAsync("INSERT INTO cc_public_pool (public_ip, interface_id) VALUES (@address, @interfaceId)", new { address, interfaceId }, tx);
        await SetPublicAsync(c, tx, interfaceId, address, PublicAddressKind.Pool);
        return address;
    }

    private static Task SetPublicAsync(DbConnection c, DbTransaction tx, string interfaceId, string? address, PublicAddressKind kind) =>
        c.ExecuteAsync("UPDATE cc_interfaces SET public_ip = @address, public_kind = @kind WHERE interface_id = @interfaceId",
            new { address, kind = InterfaceRow.Kind(kind), interfaceId }, tx);

    private static async Task<VpcInterface?> FindAsync(DbConnection c, DbTransaction? tx, string where, string id) =>
        (await c.QuerySingleOrDefaultAsync<InterfaceRow>($"{InterfaceRow.Select} WHERE {where}", new { id }, tx))?.ToInterface();

    /// <summary>A locally administered unicast MAC (02:…); the unique constraint refuses the rare repeat, and the write runs again.</summary>
    private static string NewMac() => "02:" + string.Join(':', RandomNumberGenerator.GetBytes(5).Select(b => b.ToString("x2")));
}
