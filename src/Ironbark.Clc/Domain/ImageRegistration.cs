namespace Ironbark.Clc.Domain;

/// <summary>What RegisterImage asks for.</summary>
public sealed record ImageRegistration(string ImageLocation, string Name, string? Description, string Architecture, string? KernelId, string? RamdiskId);
