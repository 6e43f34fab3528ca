namespace Ironbark.Cc.Domain;

/// <summary>What the CC last learned of one node; replaced as a whole after every poll.</summary>
/// <param name="InstanceIds">The instances the node's free capacity counts, as the node read them together with it,
/// so a launch the node already counts is not subtracted a second time.</param>
/// <param name="Poll">Which poll this is (increasing): an answer to an older poll never replaces a newer one.</param>
public sealed record NodeStatus(string Url, string NodeId, bool Up, int CoresTotal, int CoresFree, long MemoryMibTotal,
    long MemoryMibFree, int Instances, DateTimeOffset? LastSeen, string Reason, IReadOnlySet<string> InstanceIds, long Poll)
{
    public NodeCapacity Capacity => new(Url, Up, CoresFree, MemoryMibFree, Instances);

    /// <summary>The node's address on the zone's node network as it last reported it; empty when it did not.</summary>
    public string UnderlayIp { get; init; } = "";
}
