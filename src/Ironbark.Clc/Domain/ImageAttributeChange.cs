namespace Ironbark.Clc.Domain;

/// <summary>What ModifyImageAttribute asks to change.</summary>
public sealed record ImageAttributeChange(string? Description, IReadOnlyList<string> AddUserIds, IReadOnlyList<string> RemoveUserIds, bool AddAll, bool RemoveAll);
