namespace Ironbark.Clc.Domain;

/// <summary>A security group an instance is in, by id and name.</summary>
public sealed record GroupRef(string GroupId, string GroupName);
