namespace Ironbark.Common.Auth;

/// <summary>An active access key, its secret (to check signatures with) and the account it belongs to.</summary>
public sealed record SigningCredential(string AccessKeyId, string SecretAccessKey, AccountIdentity Account);
