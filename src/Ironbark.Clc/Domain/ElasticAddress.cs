namespace Ironbark.Clc.Domain;

/// <summary>An elastic IP: an address of the region's pool allocated to an account, and the interface it is associated with, if any.</summary>
public sealed class ElasticAddress
{
    public const string AllocationPrefix = "eipalloc";
    public const string AssociationPrefix = "eipassoc";
    /// <summary>Every allocation is a VPC address (EC2-Classic is gone on AWS too).</summary>
    public const string DomainVpc = "vpc";
    /// <summary>The publicIpv4Pool AWS names for its own addresses (not a customer's BYOIP pool).</summary>
    public const string PoolName = "amazon";

    public string AllocationId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string PublicIp { get; init; } = "";
    public string Domain { get; init; } = DomainVpc;
    public long CreatedMs { get; init; }
    public string? AssociationId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    /// <summary>The private address of the interface it is mapped to (null while the CC has not given the interface one).</summary>
    public string? PrivateIpAddress { get; init; }
    /// <summary>The instance of the associated interface (read with it).</summary>
    public string? InstanceId { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    public bool IsAssociated => AssociationId is not null;
}
