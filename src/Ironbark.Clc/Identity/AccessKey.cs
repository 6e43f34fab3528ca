namespace Ironbark.Clc.Identity;

/// <summary>An access key of an account. The secret is only held in memory once decrypted.</summary>
public sealed record AccessKey(string AccessKeyId, string SecretAccessKey, string AccountId, bool Active, long CreatedMs);
