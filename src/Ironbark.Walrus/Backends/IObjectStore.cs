namespace Ironbark.Walrus.Backends;

/// <summary>
/// Where object bytes live. A blob is written whole and made durable before it gets a name;
/// metadata that points at it is committed only afterwards, so a crash never exposes a partial object.
/// </summary>
public interface IObjectStore
{
    /// <summary>Streams a body into a new durable blob, hashing it on the way (MD5 for the ETag).</summary>
    /// <param name="maxBytes">Refuse bodies longer than this.</param>
    Task<StoredBlob> WriteAsync(Stream body, long maxBytes, CancellationToken ct);

    /// <summary>Concatenates existing blobs into a new one (completing a multipart upload).</summary>
    Task<StoredBlob> ConcatAsync(IReadOnlyList<string> blobIds, CancellationToken ct);

    /// <summary>Copies a byte range of an existing blob into a new one.</summary>
    Task<StoredBlob> CopyAsync(string blobId, long offset, long length, CancellationToken ct);

    /// <summary>Opens a blob for reading from the start; the caller seeks for ranges.</summary>
    Stream OpenRead(string blobId);

    void Delete(string blobId);

    /// <summary>Removes temp files and every blob that <paramref name="isReferenced"/> does not know (left by a crash).</summary>
    Task<int> RecoverAsync(Func<string, bool> isReferenced, CancellationToken ct);
}
