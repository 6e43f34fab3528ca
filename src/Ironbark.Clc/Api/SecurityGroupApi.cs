using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>Security groups and their rules: Create/Describe/Delete, Authorize/Revoke Ingress/Egress, DescribeSecurityGroupRules.</summary>
public sealed class SecurityGroupApi(SecurityGroupService groups) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("CreateSecurityGroup", CreateAsync),
        new("DescribeSecurityGroups", DescribeAsync),
        new("DeleteSecurityGroup", DeleteAsync),
        new("AuthorizeSecurityGroupIngress", (r, ct) => AuthorizeAsync(r, egress: false, ct)),
        new("AuthorizeSecurityGroupEgress", (r, ct) => AuthorizeAsync(r, egress: true, ct)),
        new("RevokeSecurityGroupIngress", (r, ct) => RevokeAsync(r, egress: false, ct)),
        new("RevokeSecurityGroupEgress", (r, ct) => RevokeAsync(r, egress: true, ct)),
        new("DescribeSecurityGroupRules", DescribeRulesAsync),
    ];

    private async Task<IEnumerable<object?>> CreateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var name = p.Required("GroupName");
        var description = p.Required("GroupDescription");
        var tags = p.TagsFor("security-group");
        request.CheckDryRun();
        var group = await groups.CreateAsync(request.AccountId, name, description, p["VpcId"], tags, ct);
        return [E("return", "true"), E("groupId", group.GroupId), group.Tags.Count > 0 ? TagSet(group.Tags) : null];
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var filters = p.Filters();
        request.CheckDryRun();
        var found = Page<SecurityGroup>.Of(await groups.DescribeAsync(request.AccountId, p.List("GroupName"), p.List("GroupId"), filters, ct),
            g => g.GroupId, p.Int("MaxResults"), p["NextToken"]);
        return [Items("securityGroupInfo", found.Items, g => [
            E("ownerId", g.AccountId), E("groupId", g.GroupId), E("groupName", g.GroupName), E("groupDescription", g.Description),
            Permissions("ipPermissions", g.Rules.Where(r => !r.IsEgress)),
            Permissions("ipPermissionsEgress", g.Rules.Where(r => r.IsEgress)),
            Optional("vpcId", g.VpcId), TagSet(g.Tags),
        ]), Optional("nextToken", found.NextToken)];
    }

    private async Task<IEnumerable<object?>> DeleteAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var (id, name) = (p["GroupId"], p["GroupName"]);
        if (id is null && name is null)
            throw Ec2Exception.MissingParameter("GroupId");
        request.CheckDryRun();
        var deleted = await groups.DeleteAsync(request.AccountId, id, id is null ? name : null, ct);
        return [E("return", "true"), E("groupId", deleted)];
    }

    private async Task<IEnumerable<object?>> AuthorizeAsync(Ec2Request request, bool egress, CancellationToken ct)
    {
        var p = request.Parameters;
        var (id, name) = GroupReference(p, egress);
        var permissions = IpPermissionReader.Read(p);
        if (permissions.Count == 0)
            throw Ec2Exception.MissingParameter("IpPermissions");
        request.CheckDryRun();
        var added = await groups.AuthorizeAsync(request.AccountId, id, name, egress, permissions, ct);
        return [E("return", "true"), Items("securityGroupRuleSet", added, r => Rule(r, request.AccountId))];
    }

    private async Task<IEnumerable<object?>> RevokeAsync(Ec2Request request, bool egress, CancellationToken ct)
    {
        var p = request.Parameters;
        var (id, name) = GroupReference(p, egress);
        var permissions = IpPermissionReader.Read(p);
        var ruleIds = p.List("SecurityGroupRuleId");
        if (permissions.Count == 0 && ruleIds.Count == 0)
            throw Ec2Exception.MissingParameter("IpPermissions");
        request.CheckDryRun();
        await groups.RevokeAsync(request.AccountId, id, name, egress, permissions, ruleIds, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> DescribeRulesAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var filters = p.Filters();
        request.CheckDryRun();
        var rules = Page<SecurityGroupRule>.Of(await groups.DescribeRulesAsync(request.AccountId, p.List("SecurityGroupRuleId"), filters, ct),
            r => r.RuleId, p.Int("MaxResults"), p["NextToken"]);
        return [Items("securityGroupRuleSet", rules.Items, r => Rule(r, request.AccountId)), Optional("nextToken", rules.NextToken)];
    }

    /// <summary>The group an Authorize/Revoke names: GroupId, or GroupName for ingress (egress takes only ids, as on AWS).</summary>
    private static (string? Id, string? Name) GroupReference(Ec2Parameters p, bool egress)
    {
        if (egress)
            return (p.Required("GroupId"), null);
        if (p["GroupId"] is null && p["GroupName"] is null)
            throw Ec2Exception.MissingParameter("GroupId");
        return (p["GroupId"], p["GroupId"] is null ? p["GroupName"] : null);
    }

    /// <summary>Rules grouped back into IpPermissions: one per protocol and port range, with all its peers.</summary>
    private static XElement Permissions(string name, IEnumerable<SecurityGroupRule> rules) =>
        Items(name, rules.GroupBy(r => (r.IpProtocol, r.FromPort, r.ToPort)), g => [
            E("ipProtocol", g.Key.IpProtocol),
            Optional("fromPort", g.Key.FromPort), Optional("toPort", g.Key.ToPort),
            Items("groups", g.Where(r => r.ReferencedGroupId is not null), r => [
                Optional("description", r.Description), E("groupId", r.ReferencedGroupId), E("userId", r.ReferencedUserId)]),
            Items("ipRanges", g.Where(r => r.CidrIpv4 is not null), r => [E("cidrIp", r.CidrIpv4), Optional("description", r.Description)]),
            Items("ipv6Ranges", g.Where(r => r.CidrIpv6 is not null), r => [E("cidrIpv6", r.CidrIpv6), Optional("description", r.Description)]),
            E("prefixListIds"),
        ]);

    private static IEnumerable<object?> Rule(SecurityGroupRule r, string ownerId) =>
    [
        E("securityGroupRuleId", r.RuleId), E("groupId", r.GroupId), E("groupOwnerId", ownerId), E("isEgress", Bool(r.IsEgress)),
        E("ipProtocol", r.IpProtocol), E("fromPort", r.FromPort ?? -1), E("toPort", r.ToPort ?? -1), Optional("cidrIpv4", r.CidrIpv4),
        Optional("cidrIpv6", r.CidrIpv6), r.ReferencedGroupId is null ? null : E("referencedGroupInfo", E("groupId", r.ReferencedGroupId), E("userId", r.ReferencedUserId)),
        Optional("description", r.Description), E("tagSet"),
    ];
}
