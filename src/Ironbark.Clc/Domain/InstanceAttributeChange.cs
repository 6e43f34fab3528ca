namespace Ironbark.Clc.Domain;

/// <summary>What ModifyInstanceAttribute changes; null or empty means unchanged.</summary>
public sealed record InstanceAttributeChange(bool? DisableApiTermination, string? ShutdownBehavior, IReadOnlyList<string> GroupIds, bool NeedsStopped);
