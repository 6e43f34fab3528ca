namespace Ironbark.Clc.Domain;

/// <summary>An elastic IP as a request names it: by allocation id, or by its public address.</summary>
public sealed record AddressRef(string? AllocationId, string? PublicIp);
