namespace Ironbark.Cc.Domain;

/// <summary>The placement policies of Eucalyptus (docs/cc.md).</summary>
public enum PlacementPolicyKind
{
    /// <summary>The first node, in configured order, that fits.</summary>
    Greedy,

    /// <summary>The next node after the one used last that fits, wrapping around.</summary>
    RoundRobin,

    /// <summary>The most loaded busy node that fits; an idle node only when no busy one fits.</summary>
    PowerSave,
}

/// <summary>What placement needs to know of a node: whether it answers and what it has free.</summary>
public readonly record struct NodeCapacity(string Url, bool Up, int CoresFree, long MemoryMibFree, int Instances)
{
    public bool Fits(int cores, long memoryMib) => Up && CoresFree >= cores && MemoryMibFree >= memoryMib;
}

/// <summary>Chooses the node for one VM: a pure function of the nodes, the request and the node used last.</summary>
public static class PlacementPolicy
{
    /// <param name="nodes">The cluster's nodes in configured order.</param>
    /// <param name="lastUsedUrl">The node chosen last (for ROUNDROBIN); null when none was yet.</param>
    /// <returns>The chosen node, or null when none fits (InsufficientInstanceCapacity).</returns>
    public static NodeCapacity? Choose(PlacementPolicyKind policy, IReadOnlyList<NodeCapacity> nodes, int cores, long memoryMib, string? lastUsedUrl = null) =>
        policy switch
        {
            PlacementPolicyKind.Greedy => First(nodes, 0, cores, memoryMib),
            PlacementPolicyKind.RoundRobin => First(nodes, After(nodes, lastUsedUrl), cores, memoryMib),
            PlacementPolicyKind.PowerSave => MostLoaded(nodes, cores, memoryMib) ?? First(nodes, 0, cores, memoryMib),
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, null),
        };

    /// <summary>Parses GREEDY, ROUNDROBIN or POWERSAVE (any case).</summary>
    public static PlacementPolicyKind Parse(string name) => TryParse(name, out var policy)
        ? policy
        : throw new ArgumentException($"Unknown placement policy '{name}': use GREEDY, ROUNDROBIN or POWERSAVE.", nameof(name));

    public static bool TryParse(string name, out PlacementPolicyKind policy)
    {
        PlacementPolicyKind? known = name.ToUpperInvariant() switch
        {
            "GREEDY" => PlacementPolicyKind.Greedy,
            "ROUNDROBIN" => PlacementPolicyKind.RoundRobin,
            "POWERSAVE" => PlacementPolicyKind.PowerSave,
            _ => null,
        };
        policy = known.GetValueOrDefault();
        return known.HasValue;
    }

    public static string Name(PlacementPolicyKind policy) => policy.ToString().ToUpperInvariant();

    private static int After(IReadOnlyList<NodeCapacity> nodes, string? lastUsedUrl)
    {
        for (var i = 0; i < nodes.Count; i++)
            if (nodes[i].Url == lastUsedUrl)
                return i + 1;
        return 0;
    }

    private static NodeCapacity? First(IReadOnlyList<NodeCapacity> nodes, int start, int cores, long memoryMib)
    {
        for (var n = 0; n < nodes.Count; n++)
        {
            var node = nodes[(start + n) % nodes.Count];
            if (node.Fits(cores, memoryMib))
                return node;
        }
        return null;
    }

    // Most loaded = fewest free cores, then least free memory, then configured order.
    private static NodeCapacity? MostLoaded(IReadOnlyList<NodeCapacity> nodes, int cores, long memoryMib)
    {
        NodeCapacity? best = null;
        foreach (var node in nodes)
            if (node.Instances > 0 && node.Fits(cores, memoryMib)
                && (best is not { } b || node.CoresFree < b.CoresFree || (node.CoresFree == b.CoresFree && node.MemoryMibFree < b.MemoryMibFree)))
                best = node;
        return best;
    }
}
