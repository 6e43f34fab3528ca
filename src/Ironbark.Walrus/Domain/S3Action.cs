namespace Ironbark.Walrus.Domain;

/// <summary>
/// An S3 action as bucket policies name it, with the ACL permission that grants it (null: only an owner or a
/// policy can). <see cref="OnObject"/> actions are decided by the object's owner and ACL, not the bucket's.
/// </summary>
public sealed record S3Action(string Name, string? BucketPermission, string? ObjectPermission, bool OnObject = false)
{
    public static readonly S3Action ListBucket = new("s3:ListBucket", "READ", null);
    public static readonly S3Action ListBucketVersions = new("s3:ListBucketVersions", "READ", null);
    public static readonly S3Action ListBucketMultipartUploads = new("s3:ListBucketMultipartUploads", "READ", null);
    public static readonly S3Action GetBucketLocation = new("s3:GetBucketLocation", null, null);
    public static readonly S3Action GetBucketAcl = new("s3:GetBucketAcl", "READ_ACP", null);
    public static readonly S3Action PutBucketAcl = new("s3:PutBucketAcl", "WRITE_ACP", null);
    public static readonly S3Action DeleteBucket = new("s3:DeleteBucket", null, null);
    public static readonly S3Action GetBucketConfig = new("s3:GetBucketConfiguration", null, null);
    public static readonly S3Action PutBucketConfig = new("s3:PutBucketConfiguration", null, null);
    public static readonly S3Action PutObject = new("s3:PutObject", "WRITE", null);
    public static readonly S3Action DeleteObject = new("s3:DeleteObject", "WRITE", null);
    public static readonly S3Action DeleteObjectVersion = new("s3:DeleteObjectVersion", "WRITE", null);
    public static readonly S3Action AbortMultipartUpload = new("s3:AbortMultipartUpload", "WRITE", null);
    public static readonly S3Action ListMultipartUploadParts = new("s3:ListMultipartUploadParts", "WRITE", null);
    public static readonly S3Action GetObject = new("s3:GetObject", null, "READ", OnObject: true);
    public static readonly S3Action GetObjectVersion = new("s3:GetObjectVersion", null, "READ", OnObject: true);
    public static readonly S3Action GetObjectAttributes = new("s3:GetObjectAttributes", null, "READ", OnObject: true);
    public static readonly S3Action GetObjectVersionAttributes = new("s3:GetObjectVersionAttributes", null, "READ", OnObject: true);
    public static readonly S3Action GetObjectAcl = new("s3:GetObjectAcl", null, "READ_ACP", OnObject: true);
    public static readonly S3Action PutObjectAcl = new("s3:PutObjectAcl", null, "WRITE_ACP", OnObject: true);

    // No ACL permission grants tagging (as on AWS): the object's owner, the bucket's owner or a policy Allow does.
    public static readonly S3Action GetObjectTagging = Tagging("s3:GetObjectTagging");
    public static readonly S3Action GetObjectVersionTagging = Tagging("s3:GetObjectVersionTagging");
    public static readonly S3Action PutObjectTagging = Tagging("s3:PutObjectTagging");
    public static readonly S3Action PutObjectVersionTagging = Tagging("s3:PutObjectVersionTagging");
    public static readonly S3Action DeleteObjectTagging = Tagging("s3:DeleteObjectTagging");
    public static readonly S3Action DeleteObjectVersionTagging = Tagging("s3:DeleteObjectVersionTagging");

    /// <summary>Whether the bucket's owner may do this object action on an object another account owns.</summary>
    public bool BucketOwnerMay => OnObject && ObjectPermission is null;

    /// <summary>A bucket-configuration action by its policy name (s3:GetBucketCors, s3:PutLifecycleConfiguration…).</summary>
    public static S3Action Config(string name) => new(name, null, null);

    private static S3Action Tagging(string name) => new(name, null, null, OnObject: true);
}
