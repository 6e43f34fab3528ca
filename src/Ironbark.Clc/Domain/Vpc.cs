namespace Ironbark.Clc.Domain;

/// <summary>An account's VPC: its address range and DHCP options. Only the default VPC exists so far (docs/vpc.md).</summary>
public sealed class Vpc
{
    public const string IdPrefix = "vpc";
    public const string CidrAssociationPrefix = "vpc-cidr-assoc";

    public string VpcId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string CidrBlock { get; init; } = "";
    public string CidrAssociationId { get; init; } = "";
    public bool IsDefault { get; init; }
    public string DhcpOptionsId { get; init; } = "";
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    /// <summary>Always "available": a VPC is made whole in one transaction.</summary>
    public string State => "available";
}
