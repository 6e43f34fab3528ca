namespace Ironbark.Walrus.Store;

/// <summary>A multipart upload in progress: where it will land and the headers it was started with.</summary>
public sealed class UploadRow
{
    public string UploadId { get; set; } = "";
    public string Bucket { get; set; } = "";
    public string Key { get; set; } = "";
    public string OwnerCanonical { get; set; } = "";
    public long InitiatedMs { get; set; }
    public string Headers { get; set; } = "{}";
    public string Acl { get; set; } = "";
    public string? Tags { get; set; }
    /// <summary>The encryption the completed object will have (and its parts are written with), or null.</summary>
    public string? Encryption { get; set; }
    /// <summary>The checksum algorithm and type asked for at CreateMultipartUpload, or null.</summary>
    public string? Checksum { get; set; }
    /// <summary>Object Lock retention and legal hold the completed object will have, or null.</summary>
    public string? ObjectLock { get; set; }
}
