namespace Ironbark.Clc.Domain;

/// <summary>
/// A zone's nodes as its CC last polled them, and the launches the CC is working on now (already taken off
/// its nodes' free room: a caller counting its own launches not yet at the CC must not count these twice).
/// </summary>
public sealed record ZoneResources(string Cluster, IReadOnlyList<NodeCapacity> Nodes, IReadOnlyList<string> LaunchingInstanceIds);
