namespace Ironbark.Clc.Domain;

/// <summary>A subnet of a VPC in one availability zone (the default subnet of a zone, so far).</summary>
public sealed class Subnet
{
    public const string IdPrefix = "subnet";

    public string SubnetId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string VpcId { get; init; } = "";
    public string Zone { get; init; } = "";
    /// <summary>The zone's id as DescribeAvailabilityZones gives it (null for a zone no longer configured).</summary>
    public string? ZoneId { get; set; }
    public string CidrBlock { get; init; } = "";
    public bool DefaultForAz { get; init; }
    public bool MapPublicIpOnLaunch { get; init; }
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    public string State => "available";

    /// <summary>The addresses instances may still take: the block less the five AWS reserves (less those in use, once interfaces are counted).</summary>
    /// <summary>The network interfaces in the subnet (each holds one of its addresses), set when it is described.</summary>
    public long InterfaceCount { get; set; }

    public long AvailableIpAddressCount =>
        Ipv4Block.TryParse(CidrBlock, out var block) ? Math.Max(0, block.Size - Ipv4Block.ReservedPerSubnet - InterfaceCount) : 0;

    /// <summary>arn:aws:ec2:REGION:ACCOUNT:subnet/ID (set when read, as the region is the cloud's).</summary>
    public string Arn { get; set; } = "";
}
