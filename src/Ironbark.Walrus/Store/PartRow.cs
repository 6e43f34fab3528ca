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
}
