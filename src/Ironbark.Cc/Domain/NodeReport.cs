namespace Ironbark.Cc.Domain;

/// <summary>What one poll of a node found: the instances it listed, then its capacity (read in that order, see <see cref="NodeRegistry"/>).</summary>
public sealed record NodeReport(string NodeId, int CoresTotal, int CoresFree, long MemoryMibTotal, long MemoryMibFree, int Instances,
    IReadOnlyList<InstanceReport> Listed);
