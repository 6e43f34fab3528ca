using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Network.Vpc;

namespace Ironbark.Bench.Network;

/// <summary>
/// The security groups of the scale phase: <see cref="Instances"/> interfaces on one node, <see cref="Groups"/> groups of
/// <see cref="RulesPerGroup"/> ingress rules each, every rule naming a source group (tcp port 1000+r from group g+r+1), each
/// interface in two groups. Rendered by the vpc driver's <see cref="VpcRuleset"/>, and as the naive baseline: the same
/// rules with each source group written out as its members' /32s, so the ruleset holds one rule per source address.
/// </summary>
internal static class RulesetScale
{
    public const int Instances = 200;
    public const int Groups = 50;
    public const int RulesPerGroup = 20;

    public static string GroupId(int g) => $"sg-{g:x17}";

    public static IReadOnlyList<VpcPort> Ports() =>
        Enumerable.Range(0, Instances).Select(i => new VpcPort($"i-{i:x17}", $"tap{i:x12}", $"02:00:00:00:{i / 256:x2}:{i % 256:x2}",
            $"172.31.{i / 200}.{i % 200 + 10}", GroupsOf(i).Select(GroupId).ToList(), null)).ToList();

    private static IEnumerable<int> GroupsOf(int instance) => new[] { instance % Groups, (instance * 7 + 3) % Groups }.Distinct();

    public static Dictionary<string, SecurityGroupView> Views(IReadOnlyList<VpcPort> ports)
    {
        var views = new Dictionary<string, SecurityGroupView>(StringComparer.Ordinal);
        for (var g = 0; g < Groups; g++)
        {
            var view = new SecurityGroupView { GroupId = GroupId(g), VpcId = "vpc-1" };
            view.MemberIps.AddRange(ports.Where(p => p.Groups.Contains(GroupId(g))).Select(p => p.PrivateIp));
            view.Egress.Add(new SecurityGroupRule { Protocol = "-1", Cidrs = { "0.0.0.0/0" } });
            for (var r = 0; r < RulesPerGroup; r++)
                view.Ingress.Add(new SecurityGroupRule { Protocol = "tcp", FromPort = 1000 + r, ToPort = 1000 + r, SourceGroupIds = { GroupId((g + r + 1) % Groups) } });
            views[view.GroupId] = view;
        }
        return views;
    }

    /// <summary>The same groups with every source group replaced by its members' addresses: one rule per source address.</summary>
    public static Dictionary<string, SecurityGroupView> Naive(IReadOnlyDictionary<string, SecurityGroupView> views)
    {
        SecurityGroupRule Expand(SecurityGroupRule rule)
        {
            var flat = new SecurityGroupRule { Protocol = rule.Protocol, FromPort = rule.FromPort, ToPort = rule.ToPort };
            flat.Cidrs.AddRange(rule.Cidrs);
            flat.Cidrs.AddRange(rule.SourceGroupIds.SelectMany(g => views[g].MemberIps).Select(ip => ip + "/32"));
            return flat;
        }
        return views.ToDictionary(v => v.Key, v =>
        {
            var view = new SecurityGroupView { GroupId = v.Value.GroupId, VpcId = v.Value.VpcId };
            view.MemberIps.AddRange(v.Value.MemberIps);
            view.Ingress.AddRange(v.Value.Ingress.Select(Expand));
            view.Egress.AddRange(v.Value.Egress.Select(Expand));
            return view;
        }, StringComparer.Ordinal);
    }

    public static string Render(IReadOnlyList<VpcPort> ports, IReadOnlyDictionary<string, SecurityGroupView> views) =>
        VpcRuleset.Render(ports, views, ["172.31.0.1"]);
}
