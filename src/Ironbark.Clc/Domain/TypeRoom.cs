namespace Ironbark.Clc.Domain;

/// <summary>How many instances of a type a zone's nodes have room for now (free) and would have were they empty (max).</summary>
public sealed record TypeRoom(InstanceTypeSpec Type, long Free, long Max);
