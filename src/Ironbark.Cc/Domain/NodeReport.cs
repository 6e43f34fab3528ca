namespace Ironbark.Cc.Domain;

/// <summary>What one poll of a node found: the instances it listed, then its capacity.</summary>
/// <param name="Held">The instances whose cores and memory the free capacity already counts, read by the node together with it.</param>
public sealed record NodeReport(string NodeId, int CoresTotal, int CoresFree, long MemoryMibTotal, long MemoryMibFree, int Instances,
    IReadOnlyList<InstanceReport> Listed, IReadOnlySet<string> Held)
{
    /// <summary>The node's address on the zone's node network, as it reports it (empty: it does not say).</summary>
    public string UnderlayIp { get; init; } = "";
}
