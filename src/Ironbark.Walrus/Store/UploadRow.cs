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
}
