using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// DescribeNetworkInterfaces, their attributes and their groups. Only primary interfaces exist (one per instance, made and
/// deleted with it); creating, attaching, detaching or deleting others is refused.
/// </summary>
public sealed class NetworkInterfaceService(NetworkInterfaceStore store, SecurityGroupService groups, InterfaceDataPlane dataPlane)
{
    private static readonly FilterSchema<ElasticNetworkInterface> Filters = new(new Dictionary<string, Func<ElasticNetworkInterface, IEnumerable<string?>>>
    {
        ["network-interface-id"] = n => [n.NetworkInterfaceId],
        ["attachment.attachment-id"] = n => [n.AttachmentId],
        ["attachment.instance-id"] = n => [n.InstanceId],
        ["attachment.instance-owner-id"] = n => [n.InstanceId is null ? null : n.AccountId],
        ["attachment.device-index"] = n => [n.InstanceId is null ? null : "0"],
        ["attachment.status"] = n => [n.InstanceId is null ? null : "attached"],
        ["attachment.delete-on-termination"] = n => [n.InstanceId is null ? null : "true"],
        ["vpc-id"] = n => [n.VpcId],
        ["subnet-id"] = n => [n.SubnetId],
        ["availability-zone"] = n => [n.Zone],
        ["group-id"] = n => n.Groups.Select(g => g.GroupId),
        ["group-name"] = n => n.Groups.Select(g => g.GroupName),
        ["mac-address"] = n => [n.MacAddress],
        ["private-ip-address"] = n => [n.PrivateIpAddress],
        ["addresses.private-ip-address"] = n => [n.PrivateIpAddress],
        ["association.public-ip"] = n => [n.PublicIp],
        ["association.allocation-id"] = n => [n.ElasticAddress?.AllocationId],
        ["association.association-id"] = n => [n.ElasticAddress?.AssociationId],
        ["association.ip-owner-id"] = n => [n.IpOwnerId],
        ["status"] = n => [n.Status],
        ["owner-id"] = n => [n.AccountId],
        ["description"] = n => [n.Description],
        ["source-dest-check"] = n => [n.SourceDestCheck ? "true" : "false"],
        ["interface-type"] = _ => ["interface"],
        ["requester-managed"] = _ => ["false"],
    }, n => n.Tags);

    /// <summary>The account's interfaces: those listed (each must exist), else all; then filtered.</summary>
    public async Task<IReadOnlyList<ElasticNetworkInterface>> DescribeAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        foreach (var id in ids)
            CheckId(id);
        var all = await store.ListAsync(accountId, ct);
        var missing = ids.Distinct().Where(id => all.All(n => n.NetworkInterfaceId != id)).ToList();
        if (missing.Count > 0)
            throw NotFound(missing);
        return Filters.Apply(ids.Count > 0 ? all.Where(n => ids.Contains(n.NetworkInterfaceId)) : all, filters);
    }

    public async Task<ElasticNetworkInterface> OwnedAsync(string accountId, string id, CancellationToken ct) =>
        (await DescribeAsync(accountId, [id], [], ct))[0];

    /// <summary>ModifyNetworkInterfaceAttribute: one of description, source/dest check or groups; new groups take effect on the node at once.</summary>
    public async Task ModifyAsync(string accountId, string id, NetworkInterfaceChange change, CancellationToken ct)
    {
        var nic = await OwnedAsync(accountId, id, ct);
        if (change.Description is { } description)
            nic.Description = description.Length <= 255 ? description
                : throw Ec2Exception.InvalidParameterValue("Value for parameter Description is invalid. Length exceeds maximum of 255 characters.");
        nic.SourceDestCheck = change.SourceDestCheck ?? nic.SourceDestCheck;
        if (change.GroupIds is { } groupIds)
            nic.Groups = await GroupsAsync(accountId, groupIds, ct);
        if (!await store.UpdateAsync(nic, ct))
            throw NotFound([id]);
        if (change.GroupIds is not null)
            await dataPlane.SetGroupsAsync(nic, ct);
    }

    /// <summary>
    /// The groups an interface may be put in: at least one, at most <see cref="ElasticNetworkInterface.MaxGroups"/>, each the account's
    /// (another account's is InvalidGroup.NotFound).
    /// </summary>
    public async Task<IReadOnlyList<GroupRef>> GroupsAsync(string accountId, IReadOnlyList<string> groupIds, CancellationToken ct)
    {
        var distinct = groupIds.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
            throw Ec2Exception.MissingParameter("SecurityGroupId");
        if (distinct.Count > ElasticNetworkInterface.MaxGroups)
            throw new Ec2Exception("SecurityGroupsPerInterfaceLimitExceeded",
                $"The maximum number of security groups per interface ({ElasticNetworkInterface.MaxGroups}) has been reached.");
        foreach (var groupId in distinct.Where(g => !ResourceId.IsValid(g, SecurityGroup.IdPrefix)))
            throw new Ec2Exception("InvalidGroupId.Malformed", $"Invalid id: \"{groupId}\" (expecting \"sg-...\")");
        var found = await groups.DescribeAsync(accountId, [], distinct, [], ct);
        return distinct.Select(g => found.First(f => f.GroupId == g)).Select(g => new GroupRef(g.GroupId, g.GroupName)).ToList();
    }

    /// <summary>Only the primary interface of each instance exists; every call that would make, attach or remove another is refused.</summary>
    public static Ec2Exception OnlyPrimary(string action) => new("UnsupportedOperation",
        $"{action} is not supported: an instance has only its primary network interface, made and deleted with it.");

    public static void CheckId(string id)
    {
        if (!ResourceId.IsValid(id, ElasticNetworkInterface.IdPrefix))
            throw new Ec2Exception("InvalidNetworkInterfaceID.Malformed", $"Invalid id: \"{id}\" (expecting \"eni-...\")");
    }

    public static Ec2Exception NotFound(IReadOnlyList<string> ids) =>
        new("InvalidNetworkInterfaceID.NotFound", $"The networkInterface ID '{string.Join(", ", ids)}' does not exist");
}
