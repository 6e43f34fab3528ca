using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Elastic IPs: allocate from the region's pool, describe, associate with an instance's interface, disassociate, release.
/// Each change is a compare-and-set on what was read; a change that lost a race is read and judged again.
/// </summary>
public sealed class AddressService(ClcOptions options, AddressStore store, InstanceStore instances, NetworkInterfaceStore interfaces,
    InterfaceDataPlane dataPlane, TimeProvider time)
{
    private const int Attempts = 5;
    private readonly AddressRange _pool = AddressRange.Parse(options.ElasticIpRange);

    private readonly FilterSchema<ElasticAddress> _filters = Schema(options.Region);

    private static FilterSchema<ElasticAddress> Schema(string region) => new(new Dictionary<string, Func<ElasticAddress, IEnumerable<string?>>>
    {
        ["allocation-id"] = a => [a.AllocationId],
        ["association-id"] = a => [a.AssociationId],
        ["domain"] = a => [a.Domain],
        ["instance-id"] = a => [a.InstanceId],
        ["network-interface-id"] = a => [a.NetworkInterfaceId],
        ["network-interface-owner-id"] = a => [a.NetworkInterfaceId is null ? null : a.AccountId],
        ["private-ip-address"] = a => [a.PrivateIpAddress],
        ["public-ip"] = a => [a.PublicIp],
        ["network-border-group"] = _ => [region],
        ["public-ipv4-pool"] = _ => [ElasticAddress.PoolName],
    }, a => a.Tags);

    public async Task<ElasticAddress> AllocateAsync(string accountId, string? address, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        if (address is not null && !AddressRange.IsIpv4(address))
            throw Ec2Exception.InvalidParameterValue($"Value ({address}) for parameter Address is invalid. Expected an IPv4 address.");
        return await store.AllocateAsync(accountId, _pool, options.MaxElasticIpsPerAccount, address, tags, ResourceId.New(ElasticAddress.AllocationPrefix),
            time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
    }

    /// <summary>The account's addresses: those named by public IP or allocation id (each must exist), else all; then filtered.</summary>
    public async Task<IReadOnlyList<ElasticAddress>> DescribeAsync(string accountId, IReadOnlyList<string> publicIps, IReadOnlyList<string> allocationIds,
        IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        var all = await store.ListAsync(accountId, ct);
        foreach (var ip in publicIps.Where(ip => all.All(a => a.PublicIp != ip)))
            throw AddressNotFound(ip);
        foreach (var id in allocationIds.Where(id => all.All(a => a.AllocationId != id)))
            throw AllocationNotFound(id);
        var chosen = publicIps.Count + allocationIds.Count == 0 ? all
            : all.Where(a => publicIps.Contains(a.PublicIp) || allocationIds.Contains(a.AllocationId));
        return _filters.Apply(chosen, filters);
    }

    /// <summary>
    /// Associates the address with the instance's primary interface or the given interface; returns the association id.
    /// An address associated elsewhere moves only with <paramref name="allowReassociation"/>; an elastic IP the interface had is disassociated.
    /// </summary>
    public async Task<string> AssociateAsync(string accountId, AddressRef address, string? instanceId, string? interfaceId, string? privateIp,
        bool allowReassociation, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = await FindAsync(accountId, address, ct);
            var (target, instance) = await TargetAsync(accountId, instanceId, interfaceId, ct);
            if (instance.State is not (InstanceState.Running or "stopped"))
                throw new Ec2Exception("IncorrectInstanceState",
                    $"The instance '{instance.InstanceId}' is not in a valid state for this operation ({instance.State}); it must be running or stopped.");
            if (privateIp is not null && privateIp != target.PrivateIpAddress)
                throw Ec2Exception.InvalidParameterValue($"The private IP address {privateIp} is not an address of the network interface {target.NetworkInterfaceId}.");
            if (current.NetworkInterfaceId == target.NetworkInterfaceId)
                return current.AssociationId!;
            if (current.IsAssociated && !allowReassociation)
                throw new Ec2Exception("Resource.AlreadyAssociated",
                    $"The elastic IP address '{current.PublicIp}' is already associated with {current.NetworkInterfaceId}; use AllowReassociation to move it.");
            var associationId = ResourceId.New(ElasticAddress.AssociationPrefix);
            if (await store.TryAssociateAsync(accountId, current.AllocationId, current.AssociationId, target.NetworkInterfaceId, target.PrivateIpAddress,
                    associationId, ct))
            {
                await ApplyAssociationAsync(accountId, current, target, ct);
                return associationId;
            }
            if (attempt + 1 == Attempts)
                throw new Ec2Exception("IncorrectState", $"The elastic IP address '{current.PublicIp}' changed while it was being associated; try again.", 409);
        }
    }

    /// <summary>Disassociates by association id, or by public IP (an address that is not associated is left as it is).</summary>
    public async Task DisassociateAsync(string accountId, string? associationId, string? publicIp, CancellationToken ct)
    {
        var all = await store.ListAsync(accountId, ct);
        var current = associationId is not null
            ? all.FirstOrDefault(a => a.AssociationId == associationId)
              ?? throw new Ec2Exception("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist")
            : all.FirstOrDefault(a => a.PublicIp == publicIp) ?? throw AddressNotFound(publicIp!);
        if (!current.IsAssociated)
            return;
        if (!await store.TryDisassociateAsync(accountId, current.AllocationId, current.AssociationId!, ct))
        {
            if (associationId is not null)
                throw new Ec2Exception("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist");
            return;
        }
        if ((await interfaces.ListAsync(accountId, ct)).FirstOrDefault(n => n.NetworkInterfaceId == current.NetworkInterfaceId) is { } nic)
            await dataPlane.DisassociateAsync(nic, current.PublicIp, ct);
    }

    /// <summary>Gives the address back to the pool; an associated one is InvalidIPAddress.InUse, one already released NotFound.</summary>
    public async Task ReleaseAsync(string accountId, AddressRef address, CancellationToken ct)
    {
        var current = await FindAsync(accountId, address, ct);
        if (current.IsAssociated)
            throw InUse(current);
        if (!await store.TryReleaseAsync(accountId, current.AllocationId, ct))
        {
            var again = await FindAsync(accountId, address, ct);
            throw again.IsAssociated ? InUse(again) : AllocationNotFound(current.AllocationId);
        }
    }

    /// <summary>
    /// The data plane follows the store: the address leaves the interface it was on (first, when that is another zone's)
    /// and maps to the new one. Within a zone the CC moves it in that one call and gives the old interface a pool address
    /// again; a disassociation of an address the interface no longer holds changes nothing there and answers the interface
    /// as it is, so the old interface's pool address is recorded from it.
    /// </summary>
    private async Task ApplyAssociationAsync(string accountId, ElasticAddress before, ElasticNetworkInterface target, CancellationToken ct)
    {
        var old = before.NetworkInterfaceId is { } from && from != target.NetworkInterfaceId
            ? (await interfaces.ListAsync(accountId, ct)).FirstOrDefault(n => n.NetworkInterfaceId == from) : null;
        if (old is not null && old.Zone != target.Zone)
            await dataPlane.DisassociateAsync(old, before.PublicIp, ct);
        await dataPlane.AssociateAsync(target, before.PublicIp, ct);
        if (old is not null && old.Zone == target.Zone)
            await dataPlane.DisassociateAsync(old, before.PublicIp, ct);
    }

    private async Task<(ElasticNetworkInterface Interface, Instance Instance)> TargetAsync(string accountId, string? instanceId, string? interfaceId, CancellationToken ct)
    {
        if (instanceId is not null)
        {
            if (!ResourceId.IsValid(instanceId, Instance.IdPrefix))
                throw new Ec2Exception("InvalidInstanceID.Malformed", $"Invalid id: \"{instanceId}\" (expecting \"i-...\")");
            var instance = (await instances.ListAsync(accountId, [instanceId], ct)).FirstOrDefault()
                           ?? throw new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist");
            return (instance.PrimaryInterface ?? throw new Ec2Exception("IncorrectInstanceState",
                $"The instance '{instanceId}' is not in a valid state for this operation ({instance.State}); it must be running or stopped."), instance);
        }
        NetworkInterfaceService.CheckId(interfaceId!);
        var nic = (await interfaces.ListAsync(accountId, ct)).FirstOrDefault(n => n.NetworkInterfaceId == interfaceId)
                  ?? throw NetworkInterfaceService.NotFound([interfaceId!]);
        var owner = (await instances.ListAsync(accountId, [nic.InstanceId!], ct)).Single();
        return (nic, owner);
    }

    private async Task<ElasticAddress> FindAsync(string accountId, AddressRef address, CancellationToken ct)
    {
        var all = await store.ListAsync(accountId, ct);
        if (address.AllocationId is { } id)
            return all.FirstOrDefault(a => a.AllocationId == id) ?? throw AllocationNotFound(id);
        return all.FirstOrDefault(a => a.PublicIp == address.PublicIp) ?? throw AddressNotFound(address.PublicIp!);
    }

    private static Ec2Exception AddressNotFound(string ip) => new("InvalidAddress.NotFound", $"Address '{ip}' not found.");

    private static Ec2Exception AllocationNotFound(string id) => new("InvalidAllocationID.NotFound", $"The allocation ID '{id}' does not exist");

    private static Ec2Exception InUse(ElasticAddress a) =>
        new("InvalidIPAddress.InUse", $"The address '{a.PublicIp}' is associated with {a.NetworkInterfaceId}; disassociate it first.");
}
