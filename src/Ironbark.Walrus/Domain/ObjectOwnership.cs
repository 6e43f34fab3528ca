using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// Bucket ownership controls (buckets.ownership): who owns a new object and whether ACLs count. BucketOwnerEnforced
/// disables ACLs (the bucket owner owns every object; only an owner-full-control ACL may be sent); BucketOwnerPreferred
/// gives the bucket owner an object written with bucket-owner-full-control; ObjectWriter (and no setting) keeps the writer.
/// </summary>
public static class ObjectOwnership
{
    public const string BucketOwnerEnforced = "BucketOwnerEnforced";
    public const string BucketOwnerPreferred = "BucketOwnerPreferred";
    public const string ObjectWriter = "ObjectWriter";

    public static bool IsSetting(string? value) => value is BucketOwnerEnforced or BucketOwnerPreferred or ObjectWriter;

    public static bool AclsDisabled(BucketRow bucket) => bucket.Ownership == BucketOwnerEnforced;

    public static WalrusException AclNotSupported() => new("AccessControlListNotSupported", 400, "The bucket does not allow ACLs");

    /// <summary>
    /// Whether an ACL is one a bucket with ACLs disabled still takes: full control for its owner, and for the bucket's
    /// owner, and nothing else (the bucket-owner-full-control canned ACL, the owner-only default, or the same in XML).
    /// </summary>
    public static bool IsOwnerFullControl(AccessControlList acl, string bucketOwner) =>
        acl.Grants.All(g => g.GranteeType == Grant.CanonicalUser && g.Permission == "FULL_CONTROL" && (g.Grantee == acl.Owner || g.Grantee == bucketOwner));

    /// <summary>Refuses an ACL the bucket's ownership setting does not allow (AccessControlListNotSupported).</summary>
    public static void CheckAcl(BucketRow bucket, AccessControlList? acl)
    {
        if (acl is not null && AclsDisabled(bucket) && !IsOwnerFullControl(acl, bucket.OwnerCanonical))
            throw AclNotSupported();
    }

    /// <summary>The owner and ACL of a new object written by <paramref name="writer"/> with <paramref name="acl"/> (null: none asked).</summary>
    public static (string Owner, AccessControlList Acl) ForNewObject(BucketRow bucket, string writer, AccessControlList? acl)
    {
        CheckAcl(bucket, acl);
        var bucketOwner = bucket.OwnerCanonical;
        if (AclsDisabled(bucket))
            return (bucketOwner, AccessControlList.Canned("private", bucketOwner));
        var preferred = bucket.Ownership == BucketOwnerPreferred && writer != bucketOwner && acl is not null
            && acl.Grants.Any(g => g.GranteeType == Grant.CanonicalUser && g.Grantee == bucketOwner && g.Permission == "FULL_CONTROL");
        if (preferred)
            return (bucketOwner, acl! with { Owner = bucketOwner });
        return (writer, acl ?? AccessControlList.Canned("private", writer));
    }

    /// <summary>The ACL as GetBucketAcl and GetObjectAcl show it: with ACLs disabled, only the bucket owner's full control.</summary>
    public static AccessControlList Shown(BucketRow bucket, AccessControlList stored) =>
        AclsDisabled(bucket) ? AccessControlList.Canned("private", bucket.OwnerCanonical) : stored;

    /// <summary>Who owns an object for access decisions: with ACLs disabled, the bucket owner owns every object.</summary>
    public static string OwnerOf(BucketRow bucket, ObjectRow row) => AclsDisabled(bucket) ? bucket.OwnerCanonical : row.OwnerCanonical;
}
