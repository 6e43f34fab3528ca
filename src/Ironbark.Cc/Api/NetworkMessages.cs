using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's network records as the CLC sees them: the group definitions it is sent (the interface it answers: InterfaceMessages).</summary>
internal static class NetworkMessages
{
    /// <summary>A group's definition as the CLC sends it (its member_ips, if any, are not read: the CC knows the members).</summary>
    public static SecurityGroupDefinition Definition(SecurityGroupView group) =>
        new(group.GroupId, group.VpcId, [.. group.Ingress.Select(Rule)], [.. group.Egress.Select(Rule)]);

    private static SecurityGroupRuleDefinition Rule(SecurityGroupRule r) =>
        new(r.Protocol, r.FromPort, r.ToPort, [.. r.Cidrs], [.. r.Ipv6Cidrs], [.. r.SourceGroupIds]);
}
