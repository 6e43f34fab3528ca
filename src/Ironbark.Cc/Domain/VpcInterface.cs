namespace Ironbark.Cc.Domain;

/// <summary>
/// An instance's primary interface in a VPC: what the CLC asks for (ids, subnet, groups, whether it wants a public
/// address) and what the CC allocates for it (MAC, private address, tunnel id, public address, the node it is on).
/// </summary>
public sealed record VpcInterface
{
    public required string InterfaceId { get; init; }
    public string InstanceId { get; init; } = "";
    public required string VpcId { get; init; }
    public required string SubnetId { get; init; }
    public required string SubnetCidr { get; init; }
    public string VpcCidr { get; init; } = "";
    public IReadOnlyList<string> SecurityGroupIds { get; init; } = [];
    public bool AssignPublicIp { get; init; }

    /// <summary>The request's DNS domain; empty: the CC's (CcOptions.DnsDomain).</summary>
    public string DnsDomain { get; init; } = "";

    public string Mac { get; init; } = "";
    public string PrivateIp { get; init; } = "";
    public string GatewayIp { get; init; } = "";
    public uint Vni { get; init; }
    public string PublicIp { get; init; } = "";
    public PublicAddressKind PublicKind { get; init; }
    public string PrivateDnsName { get; init; } = "";

    /// <summary>The node the instance is placed on (its URL); empty until placed.</summary>
    public string NodeUrl { get; init; } = "";

    // By content: a retried launch carries a copy of the group list and must still count as the same launch.
    public bool Equals(VpcInterface? other) =>
        other is not null && Scalars.Equals(other.Scalars) && SecurityGroupIds.SequenceEqual(other.SecurityGroupIds);

    public override int GetHashCode() => Scalars.GetHashCode();

    private object Scalars => (InterfaceId, InstanceId, VpcId, SubnetId, SubnetCidr, VpcCidr, DnsDomain, AssignPublicIp, Mac, PrivateIp, GatewayIp, Vni,
        PublicIp, PublicKind, PrivateDnsName, NodeUrl);
}
