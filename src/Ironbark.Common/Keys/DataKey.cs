namespace Ironbark.Common.Keys;

/// <summary>A data key: its plaintext (never stored), the same key wrapped by the customer key, and that key's ARN.</summary>
public sealed record DataKey(string KeyArn, byte[] Plaintext, byte[] CiphertextBlob);
