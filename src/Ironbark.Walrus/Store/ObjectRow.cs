namespace Ironbark.Walrus.Store;

/// <summary>One version of an object (the only one, "null", in an unversioned bucket) or a delete marker.</summary>
public sealed class ObjectRow
{
    public const string NullVersion = "null";

    public string Bucket { get; set; } = "";
    public string Key { get; set; } = "";
    public string VersionId { get; set; } = NullVersion;
    public long Seq { get; set; }
    public bool IsLatest { get; set; }
    public bool DeleteMarker { get; set; }
    /// <summary>Where the bytes are in the blob store; null for a delete marker and for an object whose bytes are inline.</summary>
    public string? BlobId { get; set; }
    /// <summary>
    /// The bytes of a small object, kept in its row and written in the transaction that names it (see docs/walrus.md,
    /// "Storage that does not lose data"); null when they are in the blob store. Read only with a single object, never in listings.
    /// </summary>
    public byte[]? InlineData { get; set; }
    public long Size { get; set; }
    public string Etag { get; set; } = "";
    public long LastModifiedMs { get; set; }
    public string OwnerCanonical { get; set; } = "";
    /// <summary>JSON of the stored response headers: Content-Type, Content-Disposition…, x-amz-meta-*.</summary>
    public string Headers { get; set; } = "{}";
    public string Acl { get; set; } = "";
    /// <summary>JSON object of the tag set, or null when the object has no tags.</summary>
    public string? Tags { get; set; }
    /// <summary>How the bytes are encrypted at rest (SSE-S3, SSE-KMS, SSE-C) with the wrapped data key; null when they are not.</summary>
    public string? Encryption { get; set; }
    /// <summary>Object Lock retention mode (GOVERNANCE or COMPLIANCE), or null when the version has no retention.</summary>
    public string? LockMode { get; set; }
    /// <summary>The retain-until date of the retention, in Unix milliseconds.</summary>
    public long? LockUntilMs { get; set; }
    public bool LegalHold { get; set; }
    /// <summary>The stored checksum (algorithm, value, type), or null when none was sent or asked for.</summary>
    public string? Checksum { get; set; }
    /// <summary>JSON list of <see cref="ObjectPart"/> for an object made by a multipart upload; null for a single PUT.</summary>
    public string? Parts { get; set; }

    public DateTimeOffset LastModified => DateTimeOffset.FromUnixTimeMilliseconds(LastModifiedMs);

    /// <summary>
    /// Whether <paramref name="other"/> is this very write of the key. The version id alone does not say
    /// it in an unversioned bucket (every write is "null"), but a write's blob and time do. An inline object has no
    /// blob: two of its writes in the same millisecond with the same bytes (ETag) are taken as one.
    /// </summary>
    public bool IsSameWrite(ObjectRow? other) =>
        other is not null && other.VersionId == VersionId && other.BlobId == BlobId && other.LastModifiedMs == LastModifiedMs && other.Etag == Etag;
}
