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
    /// <summary>The default encryption configuration (PutBucketEncryption), or null when none is set.</summary>
    public string? Encryption { get; set; }
    /// <summary>The Object Lock configuration; null when the bucket was not created with Object Lock enabled.</summary>
    public string? ObjectLock { get; set; }
    /// <summary>The public access block configuration, or null when none is set.</summary>
    public string? PublicAccessBlock { get; set; }
    /// <summary>The object ownership setting (ownership controls), or null when none is set.</summary>
    public string? Ownership { get; set; }
}
