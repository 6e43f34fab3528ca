using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// An elastic network interface as the CLC keeps it. Every instance has one, its primary (device index 0), made with it at
/// admission and deleted when it is terminated. The MAC and private address are the CC's (null until it allocated them);
/// the public association is the elastic IP associated with it, else the CC's pool address.
/// </summary>
public sealed class ElasticNetworkInterface
{
    public const string IdPrefix = "eni";
    public const string AttachmentPrefix = "eni-attach";
    /// <summary>How many security groups one interface may be in (SecurityGroupsPerInterfaceLimitExceeded beyond), as AWS's default quota.</summary>
    public const int MaxGroups = 5;
    /// <summary>The owner AWS names for a public address from the pool (not an elastic IP).</summary>
    public const string AmazonOwner = "amazon";
    public const string StatusInUse = "in-use";
    public const string StatusAvailable = "available";

    public string NetworkInterfaceId { get; init; } = "";
    public string AccountId { get; init; } = "";
    /// <summary>The instance it is attached to (always, for a primary interface).</summary>
    public string? InstanceId { get; init; }
    public string Zone { get; init; } = "";
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string? MacAddress { get; init; }
    public string? PrivateIpAddress { get; init; }
    /// <summary>ip-172-31-0-5.REGION.compute.internal, as the CC names the private address.</summary>
    public string? PrivateDnsName { get; init; }
    /// <summary>The public address the CC gave from its zone's pool at launch, if any; an elastic IP takes its place while associated.</summary>
    public string? PoolPublicIp { get; init; }
    public string Description { get; set; } = "";
    public bool SourceDestCheck { get; set; } = true;
    public string Status { get; init; } = StatusInUse;
    public string? AttachmentId { get; init; }
    public long AttachMs { get; init; }
    public long CreatedMs { get; init; }
    public IReadOnlyList<GroupRef> Groups { get; set; } = [];
    public IReadOnlyList<Tag> Tags { get; set; } = [];
    /// <summary>The elastic IP associated with it, if any (read from the address, its one source).</summary>
    public ElasticAddress? ElasticAddress { get; set; }

    /// <summary>The public address it answers on: the elastic IP while one is associated, else the pool address.</summary>
    public string? PublicIp => ElasticAddress?.PublicIp ?? PoolPublicIp;

    /// <summary>
    /// The public address's name as AWS forms it, ec2-203-0-113-5, in the domain of the private name (REGION.compute.internal);
    /// null without a public address or a private name (docs/network.md).
    /// </summary>
    public string? PublicDnsName => PublicIp is { } ip && PrivateDnsName?.IndexOf('.') is > 0 and var dot
        ? $"ec2-{ip.Replace('.', '-')}{PrivateDnsName[dot..]}" : null;

    /// <summary>Who owns the public address: the account for an elastic IP, "amazon" for a pool address.</summary>
    public string? IpOwnerId => ElasticAddress is not null ? AccountId : PoolPublicIp is not null ? AmazonOwner : null;

    /// <summary>The primary interface of a new instance: in the instance's groups, attached at launch.</summary>
    public static ElasticNetworkInterface PrimaryOf(Instance instance, string? vpcId, string? subnetId) => new()
    {
        NetworkInterfaceId = ResourceId.New(IdPrefix), AccountId = instance.AccountId,
        InstanceId = instance.InstanceId, Zone = instance.Zone, VpcId = vpcId, SubnetId = subnetId,
        AttachmentId = ResourceId.New(AttachmentPrefix), AttachMs = instance.LaunchMs,
        CreatedMs = instance.LaunchMs, Groups = instance.Groups,
    };
}
