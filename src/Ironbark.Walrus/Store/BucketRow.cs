namespace Ironbark.Walrus.Store;

/// <summary>A bucket as stored: owner, region and its sub-resource configurations (XML or JSON documents).</summary>
public sealed class BucketRow
{
    public string Name { get; set; } = "";
    public string OwnerId { get; set; } = "";
    public string OwnerCanonical { get; set; } = "";
    public string Region { get; set; } = "";
    public long CreatedMs { get; set; }
    /// <summary>"" (never enabled), "Enabled" or "Suspended".</summary>
    public string Versioning { get; set; } = "";
    public string Acl { get; set; } = "";
    public string? Policy { get; set; }
    public string? Cors { get; set; }
    public string? Lifecycle { get; set; }
    public string? Tagging { get; set; }
}
