namespace Ironbark.Cc.Domain;

/// <summary>An object in Walrus holding an image part, with its digest (hex SHA-256) and size.</summary>
public sealed record ImageObject(string Id, string Bucket, string Key, string Sha256, long Size);
