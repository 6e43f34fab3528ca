namespace Ironbark.Clc.Domain;

/// <summary>One tag of one resource, as DescribeTags lists it.</summary>
public sealed record ResourceTag(string ResourceId, string ResourceType, string Key, string Value);
