namespace Ironbark.Walrus.Backends;

/// <summary>A durable blob: its id, size and the MD5 of its bytes.</summary>
public sealed record StoredBlob(string Id, long Size, byte[] Md5);
