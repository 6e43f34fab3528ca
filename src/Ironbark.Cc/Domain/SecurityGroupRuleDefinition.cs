namespace Ironbark.Cc.Domain;

/// <summary>One ingress or egress rule of a security group as the CLC defined it (protocol "-1" = all; icmp ports are type and code).</summary>
public sealed record SecurityGroupRuleDefinition(string Protocol, int FromPort, int ToPort, IReadOnlyList<string> Cidrs,
    IReadOnlyList<string> Ipv6Cidrs, IReadOnlyList<string> SourceGroupIds);
