namespace Ironbark.Clc.Domain;

/// <summary>
/// What the CLC asks of the zone's CC for an instance's primary interface at launch (cc.proto's RunInstance with
/// network mode VPC): the interface, its VPC and subnet with their ranges, its groups, whether it takes a public address
/// of the zone's pool (the subnet's MapPublicIpOnLaunch) and the DNS domain its private name is in. The CC answers
/// with an <see cref="InterfaceAllocation"/>.
/// </summary>
public sealed record LaunchNetwork(string InterfaceId, string VpcId, string SubnetId, string VpcCidr, string SubnetCidr,
    IReadOnlyList<string> GroupIds, bool AssignPublicIp, string DnsDomain);

/// <summary>What the zone's CC gave an interface: its MAC, private address and name, its public address now (empty: none) and the groups it enforces.</summary>
public sealed record InterfaceAllocation(string MacAddress, string PrivateIpAddress, string PrivateDnsName, string PublicIp, IReadOnlyList<string> GroupIds);
