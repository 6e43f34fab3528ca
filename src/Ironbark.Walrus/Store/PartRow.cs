namespace Ironbark.Walrus.Store;

/// <summary>One uploaded part of a multipart upload.</summary>
public sealed class PartRow
{
    public string UploadId { get; set; } = "";
    public int PartNumber { get; set; }
    public string BlobId { get; set; } = "";
    public long Size { get; set; }
    public string Etag { get; set; } = "";
    public long LastModifiedMs { get; set; }
    /// <summary>The part's checksum as sent and verified, or null.</summary>
    public string? Checksum { get; set; }
    /// <summary>How this part's bytes are encrypted at rest, or null.</summary>
    public string? Encryption { get; set; }
}
