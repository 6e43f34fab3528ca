namespace Ironbark.Cc.Domain;

/// <summary>
/// Each node's network view from the zone's state: its own interfaces; the groups they use or name as sources, each
/// with the private addresses of every interface of the zone in it; and the other nodes as tunnel peers with the
/// tunnel ids of the VPCs they have interfaces of. A pure function, so what a node is told follows from the store alone.
/// </summary>
public static class NetworkViewBuilder
{
    /// <param name="nodes">Every node of the zone: its URL, its id and its underlay address (empty when not known).</param>
    public static NodeNetworkView Build(long version, string nodeUrl, IReadOnlyList<VpcInterface> interfaces,
        IReadOnlyList<SecurityGroupDefinition> groups, IReadOnlyList<(string Url, string NodeId, string UnderlayIp)> nodes)
    {
        var definitions = groups.ToDictionary(g => g.GroupId, StringComparer.Ordinal);
        var own = interfaces.Where(i => i.NodeUrl == nodeUrl).OrderBy(i => i.InterfaceId, StringComparer.Ordinal).ToList();

        var used = new SortedSet<string>(own.SelectMany(i => i.SecurityGroupIds), StringComparer.Ordinal);
        foreach (var id in used.ToList())
            if (definitions.TryGetValue(id, out var g))
                used.UnionWith(g.SourceGroupIds);

        var views = used.Select(id =>
        {
            var members = interfaces.Where(i => i.SecurityGroupIds.Contains(id)).ToList();
            var definition = definitions.GetValueOrDefault(id)
                ?? SecurityGroupDefinition.Undefined(id, members.Select(m => m.VpcId).FirstOrDefault() ?? "");
            return new SecurityGroupMembers(definition, [.. members.Select(m => m.PrivateIp).Order(StringComparer.Ordinal)]);
        }).ToList();

        var peers = nodes.Where(n => n.Url != nodeUrl && n.UnderlayIp.Length > 0).Select(n => new TunnelEndpoint(n.NodeId, n.UnderlayIp,
            [.. interfaces.Where(i => i.NodeUrl == n.Url).Select(i => i.Vni).Distinct().Order()])).ToList();
        return new NodeNetworkView(version, views, own, peers);
    }
}
