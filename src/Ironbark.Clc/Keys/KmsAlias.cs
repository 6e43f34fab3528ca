namespace Ironbark.Clc.Keys;

/// <summary>An alias (alias/…) of an account, naming one of its keys.</summary>
public sealed record KmsAlias(string AliasName, string AliasArn, string TargetKeyId, long CreatedMs);
