namespace Ironbark.Clc.Domain;

/// <summary>
/// One rule of a security group (AWS's sgr-): a direction, a protocol with its port range (ICMP:
/// type and code) and one peer, either an IPv4 CIDR or another group.
/// </summary>
public sealed class SecurityGroupRule
{
    public const string IdPrefix = "sgr";

    public string RuleId { get; init; } = "";
    public string GroupId { get; init; } = "";
    public bool IsEgress { get; init; }
    /// <summary>"tcp", "udp", "icmp", "-1" (all) or another protocol number.</summary>
    public string IpProtocol { get; init; } = "";
    public int? FromPort { get; init; }
    public int? ToPort { get; init; }
    public string? CidrIpv4 { get; init; }
    public string? CidrIpv6 { get; init; }
    public string? ReferencedGroupId { get; init; }
    public string? ReferencedUserId { get; init; }
    public string? Description { get; init; }
    public long Seq { get; init; }

    /// <summary>Whether two rules allow the same traffic (the description is not part of a rule's identity).</summary>
    public bool SamePermission(SecurityGroupRule other) =>
        IsEgress == other.IsEgress && IpProtocol == other.IpProtocol && FromPort == other.FromPort && ToPort == other.ToPort
        && CidrIpv4 == other.CidrIpv4 && CidrIpv6 == other.CidrIpv6 && ReferencedGroupId == other.ReferencedGroupId;

    /// <summary>The rule as AWS quotes it in InvalidPermission errors.</summary>
    public override string ToString() =>
        $"peer: {CidrIpv4 ?? CidrIpv6 ?? ReferencedGroupId}, {(IpProtocol == "-1" ? "ALL" : IpProtocol.ToUpperInvariant())}, from port: {FromPort?.ToString() ?? "-1"}, to port: {ToPort?.ToString() ?? "-1"}, ALLOW";
}
