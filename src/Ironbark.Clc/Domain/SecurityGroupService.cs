using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>An account's security groups and their rules, in its default VPC, whose "default" group is made with the VPC on first use.</summary>
public sealed class SecurityGroupService(SecurityGroupStore store, DefaultVpcService vpcs, SecurityGroupPublisher publisher, TimeProvider time)
{
    private static readonly FilterSchema<SecurityGroup> GroupFilters = new(new Dictionary<string, Func<SecurityGroup, IEnumerable<string?>>>
    {
        ["group-name"] = g => [g.GroupName],
        ["group-id"] = g => [g.GroupId],
        ["description"] = g => [g.Description],
        ["owner-id"] = g => [g.AccountId],
        ["vpc-id"] = g => [g.VpcId],
        ["ip-permission.cidr"] = g => Ingress(g).Select(r => r.CidrIpv4),
        ["ip-permission.group-id"] = g => Ingress(g).Select(r => r.ReferencedGroupId),
        ["ip-permission.protocol"] = g => Ingress(g).Select(r => r.IpProtocol),
        ["ip-permission.from-port"] = g => Ingress(g).Select(r => r.FromPort?.ToString()),
        ["ip-permission.to-port"] = g => Ingress(g).Select(r => r.ToPort?.ToString()),
        ["egress.ip-permission.cidr"] = g => g.Rules.Where(r => r.IsEgress).Select(r => r.CidrIpv4),
        ["ip-permission.ipv6-cidr"] = g => Ingress(g).Select(r => r.CidrIpv6),
        ["egress.ip-permission.ipv6-cidr"] = g => g.Rules.Where(r => r.IsEgress).Select(r => r.CidrIpv6),
    }, g => g.Tags);

    private static readonly FilterSchema<SecurityGroupRule> RuleFilters = new(new Dictionary<string, Func<SecurityGroupRule, IEnumerable<string?>>>
    {
        ["group-id"] = r => [r.GroupId],
        ["security-group-rule-id"] = r => [r.RuleId],
    }, _ => []);

    private static IEnumerable<SecurityGroupRule> Ingress(SecurityGroup g) => g.Rules.Where(r => !r.IsEgress);

    /// <summary>A new group in the account's default VPC (<paramref name="vpcId"/>, when given, must be that VPC).</summary>
    public async Task<SecurityGroup> CreateAsync(string accountId, string name, string description, string? vpcId, IReadOnlyList<Tag> tags,
        CancellationToken ct)
    {
        ValidateText("GroupName", name);
        ValidateText("GroupDescription", description);
        if (name.StartsWith("sg-", StringComparison.OrdinalIgnoreCase))
            throw Ec2Exception.InvalidParameterValue("Group names may not be in the format sg-*.");
        var vpc = (await vpcs.EnsureAsync(accountId, ct)).Vpc;
        if (vpcId is not null && vpcId != vpc.VpcId)
            throw VpcService.VpcNotFound(vpcId);
        var group = NewGroup(accountId, vpc.VpcId, name, description, tags);
        if (!await store.TryInsertAsync(group, ct))
            throw new Ec2Exception("InvalidGroup.Duplicate", $"The security group '{name}' already exists");
        publisher.Changed();
        return group;
    }

    /// <summary>The account's groups: those named or with the given ids (each must exist), then filtered.</summary>
    public async Task<IReadOnlyList<SecurityGroup>> DescribeAsync(string accountId, IReadOnlyList<string> names, IReadOnlyList<string> ids,
        IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        var groups = await AllAsync(accountId, ct);
        var selected = names.Select(n => Find(groups, null, n)).Concat(ids.Select(i => Find(groups, i, null))).Distinct().ToList();
        return GroupFilters.Apply(names.Count + ids.Count > 0 ? groups.Where(selected.Contains) : groups, filters);
    }

    public async Task<string> DeleteAsync(string accountId, string? groupId, string? groupName, CancellationToken ct)
    {
        var group = Find(await AllAsync(accountId, ct), groupId, groupName);
        if (group.IsDefault)
            throw new Ec2Exception("CannotDelete", $"the specified group: \"{group.GroupId}\" name: \"default\" cannot be deleted by a user");
        switch (await store.DeleteAsync(accountId, group.GroupId, ct))
        {
            case GroupDeletion.Referenced:
                throw new Ec2Exception("DependencyViolation", $"resource {group.GroupId} has a dependent object");
            case GroupDeletion.NotFound:
                throw GroupNotFound(group.GroupId);
        }
        publisher.Changed();
        return group.GroupId;
    }

    /// <summary>Adds the rules of <paramref name="permissions"/>; refuses all of them if any exists already.</summary>
    public async Task<IReadOnlyList<SecurityGroupRule>> AuthorizeAsync(string accountId, string? groupId, string? groupName, bool egress,
        IReadOnlyList<IpPermission> permissions, CancellationToken ct)
    {
        var groups = await AllAsync(accountId, ct);
        var group = Find(groups, groupId, groupName);
        var wanted = ToRules(groups, group, egress, permissions);
        var changed = await store.ChangeRulesAsync(accountId, group.GroupId, current =>
        {
            for (var i = 0; i < wanted.Count; i++)
                if (current.Concat(wanted.Take(i)).FirstOrDefault(r => r.SamePermission(wanted[i])) is { } existing)
                    throw new Ec2Exception("InvalidPermission.Duplicate", $"the specified rule \"{existing}\" already exists");
            return (wanted, []);
        }, ct);
        if (!changed)
            throw GroupNotFound(group.GroupId);
        publisher.Changed();
        return wanted;
    }

    /// <summary>Removes the rules of <paramref name="permissions"/> and those with the given ids; refuses all if any does not exist.</summary>
    public async Task RevokeAsync(string accountId, string? groupId, string? groupName, bool egress,
        IReadOnlyList<IpPermission> permissions, IReadOnlyList<string> ruleIds, CancellationToken ct)
    {
        var groups = await AllAsync(accountId, ct);
        var group = Find(groups, groupId, groupName);
        var unwanted = ToRules(groups, group, egress, permissions);
        var changed = await store.ChangeRulesAsync(accountId, group.GroupId, current =>
        {
            var remove = new List<string>();
            foreach (var rule in unwanted)
                remove.Add(current.FirstOrDefault(r => r.SamePermission(rule))?.RuleId
                           ?? throw new Ec2Exception("InvalidPermission.NotFound", $"The specified rule \"{rule}\" does not exist in this security group."));
            foreach (var id in ruleIds)
                remove.Add(current.FirstOrDefault(r => r.RuleId == id && r.IsEgress == egress)?.RuleId
                           ?? throw new Ec2Exception("InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{id}' does not exist"));
            return ([], remove.Distinct().ToList());
        }, ct);
        if (!changed)
            throw GroupNotFound(group.GroupId);
        publisher.Changed();
    }

    /// <summary>The rules of the account's groups: those with the given ids (each must exist), then filtered.</summary>
    public async Task<IReadOnlyList<SecurityGroupRule>> DescribeRulesAsync(string accountId, IReadOnlyList<string> ruleIds, IReadOnlyList<Filter> filters,
        CancellationToken ct)
    {
        var rules = (await AllAsync(accountId, ct)).SelectMany(g => g.Rules).ToList();
        foreach (var id in ruleIds.Where(id => rules.All(r => r.RuleId != id)))
            throw new Ec2Exception("InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{id}' does not exist");
        return RuleFilters.Apply(ruleIds.Count > 0 ? rules.Where(r => ruleIds.Contains(r.RuleId)) : rules, filters);
    }

    /// <summary>The account's groups, after making its default VPC (and the VPC's default group) if this is the account's first use of them.</summary>
    private async Task<IReadOnlyList<SecurityGroup>> AllAsync(string accountId, CancellationToken ct)
    {
        await vpcs.EnsureAsync(accountId, ct);
        return await store.ListAsync(accountId, ct);
    }

    private SecurityGroup NewGroup(string accountId, string vpcId, string name, string description, IReadOnlyList<Tag> tags)
    {
        var id = ResourceId.New(SecurityGroup.IdPrefix);
        return new SecurityGroup
        {
            GroupId = id, AccountId = accountId, VpcId = vpcId, GroupName = name, Description = description, Tags = tags,
            CreatedMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Rules = [NewRule(id, true, "-1", null, null, "0.0.0.0/0", null, null, null)],
        };
    }

    internal static SecurityGroupRule NewRule(string groupId, bool egress, string protocol, int? from, int? to, string? cidr,
        string? referencedGroupId, string? referencedUserId, string? description, string? cidrIpv6 = null) => new()
    {
        RuleId = ResourceId.New(SecurityGroupRule.IdPrefix), GroupId = groupId, IsEgress = egress, IpProtocol = protocol,
        FromPort = from, ToPort = to, CidrIpv4 = cidr, CidrIpv6 = cidrIpv6, ReferencedGroupId = referencedGroupId, ReferencedUserId = referencedUserId,
        Description = description,
    };

    /// <summary>One rule per peer of each permission; peer groups must be the account's own.</summary>
    private static List<SecurityGroupRule> ToRules(IReadOnlyList<SecurityGroup> groups, SecurityGroup group, bool egress, IReadOnlyList<IpPermission> permissions)
    {
        var rules = new List<SecurityGroupRule>();
        foreach (var p in permissions)
        {
            rules.AddRange(p.IpRanges.Select(r => NewRule(group.GroupId, egress, p.IpProtocol, p.FromPort, p.ToPort, r.CidrIp, null, null, r.Description)));
            rules.AddRange(p.Ipv6Ranges.Select(r => NewRule(group.GroupId, egress, p.IpProtocol, p.FromPort, p.ToPort, null, null, null, r.Description,
                cidrIpv6: r.CidrIpv6)));
            foreach (var pair in p.Groups)
            {
                if (pair.UserId is { } user && user != group.AccountId)
                    throw GroupNotFound(pair.GroupId ?? pair.GroupName ?? "");
                var peer = Find(groups, pair.GroupId, pair.GroupId is null ? pair.GroupName : null);
                rules.Add(NewRule(group.GroupId, egress, p.IpProtocol, p.FromPort, p.ToPort, null, peer.GroupId, group.AccountId, pair.Description));
            }
        }
        return rules;
    }

    private static SecurityGroup Find(IReadOnlyList<SecurityGroup> groups, string? groupId, string? groupName)
    {
        if (groupId is not null)
        {
            if (!ResourceId.IsValid(groupId, SecurityGroup.IdPrefix))
                throw new Ec2Exception("InvalidGroupId.Malformed", $"Invalid id: \"{groupId}\" (expecting \"sg-...\")");
            return groups.FirstOrDefault(g => g.GroupId == groupId) ?? throw GroupNotFound(groupId);
        }
        if (groupName is not null)
            return groups.FirstOrDefault(g => g.GroupName == groupName) ?? throw GroupNotFound(groupName);
        throw Ec2Exception.MissingParameter("GroupId");
    }

    private static Ec2Exception GroupNotFound(string idOrName) =>
        new("InvalidGroup.NotFound", $"The security group '{idOrName}' does not exist");

    private static void ValidateText(string parameter, string value)
    {
        if (value.Length > 255)
            throw Ec2Exception.InvalidParameterValue($"Value for parameter {parameter} is invalid. Length exceeds maximum of 255 characters.");
        if (!value.All(char.IsAscii) || value.Any(char.IsControl))
            throw Ec2Exception.InvalidParameterValue($"Value ({value}) for parameter {parameter} is invalid. Use printable ASCII characters only.");
    }
}
