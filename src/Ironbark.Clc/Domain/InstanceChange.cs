namespace Ironbark.Clc.Domain;

/// <summary>What a state change records beside the state; null fields stay as they were.</summary>
public sealed record InstanceChange(string? StateReason = null, string? TransitionReason = null, string? NodeId = null, long? TerminatedMs = null);
