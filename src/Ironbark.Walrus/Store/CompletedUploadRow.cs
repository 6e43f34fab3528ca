namespace Ironbark.Walrus.Store;

/// <summary>A multipart upload that completed: the object version it made and the part list it was completed with.</summary>
public sealed class CompletedUploadRow
{
    public string UploadId { get; set; } = "";
    public string Bucket { get; set; } = "";
    public string Key { get; set; } = "";
    public string VersionId { get; set; } = "";
    public string Etag { get; set; } = "";
    /// <summary>The requested parts as "number:etag" joined by commas, the ETags without quotes.</summary>
    public string Parts { get; set; } = "";
    public long CompletedMs { get; set; }
}
