namespace Ironbark.Clc.Domain;

/// <summary>What ModifyNetworkInterfaceAttribute changes; null means unchanged.</summary>
public sealed record NetworkInterfaceChange(string? Description, bool? SourceDestCheck, IReadOnlyList<string>? GroupIds);
