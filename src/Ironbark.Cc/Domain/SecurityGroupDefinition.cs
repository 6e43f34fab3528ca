namespace Ironbark.Cc.Domain;

/// <summary>A security group's rules as the CLC last pushed them; its members are the CC's (the interfaces naming it).</summary>
public sealed record SecurityGroupDefinition(string GroupId, string VpcId, IReadOnlyList<SecurityGroupRuleDefinition> Ingress,
    IReadOnlyList<SecurityGroupRuleDefinition> Egress)
{
    /// <summary>A group an interface names that the CLC has not defined (yet): members, no rules (nothing allowed in or out).</summary>
    public static SecurityGroupDefinition Undefined(string groupId, string vpcId) => new(groupId, vpcId, [], []);

    public IEnumerable<string> SourceGroupIds => Ingress.Concat(Egress).SelectMany(r => r.SourceGroupIds);
}
