namespace Ironbark.Clc.Domain;

/// <summary>One node of a zone: whether its last poll answered, and its cores and memory, in all and free.</summary>
public sealed record NodeCapacity(string NodeId, bool Up, int CoresTotal, int CoresFree, long MemoryMibTotal, long MemoryMibFree);
