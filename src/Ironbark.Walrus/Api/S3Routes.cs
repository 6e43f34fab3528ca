using System.Collections.Frozen;
using Ironbark.Walrus.Domain;
using static Ironbark.Walrus.Api.S3Handling;
using static Ironbark.Walrus.Api.S3Target;

namespace Ironbark.Walrus.Api;

/// <summary>
/// Every S3 operation AWS defines on a bucket or an object (the S3 API reference), keyed by target, method and
/// sub-resource. The table is the whole router: a request whose key is not here is refused (MethodNotAllowed), so
/// a sub-resource Walrus does not know can never fall through to a plain GET, PUT, DELETE or POST.
/// </summary>
public static class S3Routes
{
    public static readonly IReadOnlyList<S3Route> All =
    [
        Serve(Service, "GET", "", "ListBuckets", (a, r) => a.Bucket.ListBucketsAsync(r)),

        // Buckets, plain.
        Serve(Bucket, "PUT", "", "CreateBucket", (a, r) => a.Bucket.CreateBucketAsync(r)),
        Serve(Bucket, "HEAD", "", "HeadBucket", (a, r) => a.Bucket.HeadBucketAsync(r)),
        Serve(Bucket, "DELETE", "", "DeleteBucket", (a, r) => a.Bucket.DeleteBucketAsync(r)),
        Serve(Bucket, "GET", "", "ListObjects", (a, r) => r.Query("list-type") == "2" ? a.List.ListV2Async(r) : a.List.ListV1Async(r)),
        Serve(Bucket, "POST", "", "PostObject", (a, r) => a.Post.PostObjectAsync(r)),
        Serve(Bucket, "POST", "delete", "DeleteObjects", (a, r) => a.Object.DeleteObjectsAsync(r)),
        Serve(Bucket, "GET", "versions", "ListObjectVersions", (a, r) => a.List.ListVersionsAsync(r)),
        Serve(Bucket, "GET", "uploads", "ListMultipartUploads", (a, r) => a.Multipart.ListUploadsAsync(r)),
        Serve(Bucket, "GET", "location", "GetBucketLocation", (a, r) => a.Bucket.GetLocationAsync(r)),

        // Bucket configurations Walrus keeps.
        Serve(Bucket, "GET", "acl", "GetBucketAcl", (a, r) => a.Acl.GetBucketAclAsync(r)),
        Serve(Bucket, "PUT", "acl", "PutBucketAcl", (a, r) => a.Acl.PutBucketAclAsync(r)),
        Serve(Bucket, "GET", "versioning", "GetBucketVersioning", (a, r) => a.Config.GetVersioningAsync(r)),
        Serve(Bucket, "PUT", "versioning", "PutBucketVersioning", (a, r) => a.Config.PutVersioningAsync(r)),
        Serve(Bucket, "GET", "cors", "GetBucketCors", (a, r) => a.Config.GetCorsAsync(r)),
        Serve(Bucket, "PUT", "cors", "PutBucketCors", (a, r) => a.Config.PutCorsAsync(r)),
        Serve(Bucket, "DELETE", "cors", "DeleteBucketCors", (a, r) => a.Config.DeleteCorsAsync(r)),
        Serve(Bucket, "GET", "policy", "GetBucketPolicy", (a, r) => a.Config.GetPolicyAsync(r)),
        Serve(Bucket, "PUT", "policy", "PutBucketPolicy", (a, r) => a.Config.PutPolicyAsync(r)),
        Serve(Bucket, "DELETE", "policy", "DeleteBucketPolicy", (a, r) => a.Config.DeletePolicyAsync(r)),
        Serve(Bucket, "GET", "policyStatus", "GetBucketPolicyStatus", (a, r) => a.PublicAccess.GetPolicyStatusAsync(r)),
        Serve(Bucket, "GET", "publicAccessBlock", "GetPublicAccessBlock", (a, r) => a.PublicAccess.GetAsync(r)),
        Serve(Bucket, "PUT", "publicAccessBlock", "PutPublicAccessBlock", (a, r) => a.PublicAccess.PutAsync(r)),
        Serve(Bucket, "DELETE", "publicAccessBlock", "DeletePublicAccessBlock", (a, r) => a.PublicAccess.DeleteAsync(r)),
        Serve(Bucket, "GET", "lifecycle", "GetBucketLifecycleConfiguration", (a, r) => a.Config.GetLifecycleAsync(r)),
        Serve(Bucket, "PUT", "lifecycle", "PutBucketLifecycleConfiguration", (a, r) => a.Config.PutLifecycleAsync(r)),
        Serve(Bucket, "DELETE", "lifecycle", "DeleteBucketLifecycle", (a, r) => a.Config.DeleteLifecycleAsync(r)),
        Serve(Bucket, "GET", "tagging", "GetBucketTagging", (a, r) => a.Config.GetBucketTaggingAsync(r)),
        Serve(Bucket, "PUT", "tagging", "PutBucketTagging", (a, r) => a.Config.PutBucketTaggingAsync(r)),
        Serve(Bucket, "DELETE", "tagging", "DeleteBucketTagging", (a, r) => a.Config.DeleteBucketTaggingAsync(r)),
        Serve(Bucket, "GET", "object-lock", "GetObjectLockConfiguration", (a, r) => a.Lock.GetConfigurationAsync(r)),
        Serve(Bucket, "PUT", "object-lock", "PutObjectLockConfiguration", (a, r) => a.Lock.PutConfigurationAsync(r)),
        Serve(Bucket, "GET", "ownershipControls", "GetBucketOwnershipControls", (a, r) => a.Ownership.GetAsync(r)),
        Serve(Bucket, "PUT", "ownershipControls", "PutBucketOwnershipControls", (a, r) => a.Ownership.PutAsync(r)),
        Serve(Bucket, "DELETE", "ownershipControls", "DeleteBucketOwnershipControls", (a, r) => a.Ownership.DeleteAsync(r)),
        Serve(Bucket, "GET", "encryption", "GetBucketEncryption", (a, r) => a.Encryption.GetAsync(r)),
        Serve(Bucket, "PUT", "encryption", "PutBucketEncryption", (a, r) => a.Encryption.PutAsync(r)),
        Serve(Bucket, "DELETE", "encryption", "DeleteBucketEncryption", (a, r) => a.Encryption.DeleteAsync(r)),

        // Bucket configurations Walrus cannot hold: read as "not set", deleted as a no-op, set refused.
        NotSet(Bucket, "GET", "website", "GetBucketWebsite", (a, r) => a.Unset.GetWebsiteAsync(r)),
        NotSet(Bucket, "DELETE", "website", "DeleteBucketWebsite", (a, r) => a.Unset.DeleteAsync(r, "s3:DeleteBucketWebsite")),
        Refuse(Bucket, "PUT", "website", "PutBucketWebsite"),
        NotSet(Bucket, "GET", "replication", "GetBucketReplication", (a, r) => a.Unset.GetReplicationAsync(r)),
        NotSet(Bucket, "DELETE", "replication", "DeleteBucketReplication", (a, r) => a.Unset.DeleteAsync(r, "s3:PutReplicationConfiguration")),
        Refuse(Bucket, "PUT", "replication", "PutBucketReplication"),
        NotSet(Bucket, "GET", "logging", "GetBucketLogging", (a, r) => a.Unset.GetLoggingAsync(r)),
        Refuse(Bucket, "PUT", "logging", "PutBucketLogging"),
        NotSet(Bucket, "GET", "notification", "GetBucketNotificationConfiguration", (a, r) => a.Unset.GetNotificationAsync(r)),
        Refuse(Bucket, "PUT", "notification", "PutBucketNotificationConfiguration"),
        NotSet(Bucket, "GET", "requestPayment", "GetBucketRequestPayment", (a, r) => a.Unset.GetRequestPaymentAsync(r)),
        Refuse(Bucket, "PUT", "requestPayment", "PutBucketRequestPayment"),
        NotSet(Bucket, "GET", "accelerate", "GetBucketAccelerateConfiguration", (a, r) => a.Unset.GetAccelerateAsync(r)),
        Refuse(Bucket, "PUT", "accelerate", "PutBucketAccelerateConfiguration"),

        // Bucket operations Walrus does not serve.
        Refuse(Bucket, "GET", "abac", "GetBucketAbac"),
        Refuse(Bucket, "PUT", "abac", "PutBucketAbac"),
        Refuse(Bucket, "GET", "session", "CreateSession"),
        .. Configurations("analytics", "Analytics"),
        .. Configurations("intelligent-tiering", "IntelligentTiering"),
        .. Configurations("inventory", "Inventory"),
        .. Configurations("metrics", "Metrics"),
        Refuse(Bucket, "POST", "metadataConfiguration", "CreateBucketMetadataConfiguration"),
        Refuse(Bucket, "GET", "metadataConfiguration", "GetBucketMetadataConfiguration"),
        Refuse(Bucket, "DELETE", "metadataConfiguration", "DeleteBucketMetadataConfiguration"),
        Refuse(Bucket, "POST", "metadataTable", "CreateBucketMetadataTableConfiguration"),
        Refuse(Bucket, "GET", "metadataTable", "GetBucketMetadataTableConfiguration"),
        Refuse(Bucket, "DELETE", "metadataTable", "DeleteBucketMetadataTableConfiguration"),
        Refuse(Bucket, "PUT", "metadataInventoryTable", "UpdateBucketMetadataInventoryTableConfiguration"),
        Refuse(Bucket, "PUT", "metadataJournalTable", "UpdateBucketMetadataJournalTableConfiguration"),

        // Objects.
        Serve(S3Target.Object, "PUT", "", "PutObject", (a, r) => r.Header("x-amz-copy-source") is null ? a.Object.PutObjectAsync(r) : a.Object.CopyObjectAsync(r)),
        Serve(S3Target.Object, "GET", "", "GetObject", (a, r) => a.Object.GetObjectAsync(r, head: false)),
        Serve(S3Target.Object, "HEAD", "", "HeadObject", (a, r) => a.Object.GetObjectAsync(r, head: true)),
        Serve(S3Target.Object, "DELETE", "", "DeleteObject", (a, r) => a.Object.DeleteObjectAsync(r)),
        Serve(S3Target.Object, "POST", "uploads", "CreateMultipartUpload", (a, r) => a.Multipart.CreateAsync(r)),
        Serve(S3Target.Object, "PUT", "uploadId", "UploadPart",
            (a, r) => r.Header("x-amz-copy-source") is null ? a.Multipart.UploadPartAsync(r) : a.Multipart.UploadPartCopyAsync(r)),
        Serve(S3Target.Object, "GET", "uploadId", "ListParts", (a, r) => a.Multipart.ListPartsAsync(r)),
        Serve(S3Target.Object, "POST", "uploadId", "CompleteMultipartUpload", (a, r) => a.Multipart.CompleteAsync(r)),
        Serve(S3Target.Object, "DELETE", "uploadId", "AbortMultipartUpload", (a, r) => a.Multipart.AbortAsync(r)),
        Serve(S3Target.Object, "GET", "acl", "GetObjectAcl", (a, r) => a.Acl.GetObjectAclAsync(r)),
        Serve(S3Target.Object, "PUT", "acl", "PutObjectAcl", (a, r) => a.Acl.PutObjectAclAsync(r)),
        Serve(S3Target.Object, "GET", "tagging", "GetObjectTagging", (a, r) => a.Config.GetObjectTaggingAsync(r)),
        Serve(S3Target.Object, "PUT", "tagging", "PutObjectTagging", (a, r) => a.Config.PutObjectTaggingAsync(r)),
        Serve(S3Target.Object, "DELETE", "tagging", "DeleteObjectTagging", (a, r) => a.Config.DeleteObjectTaggingAsync(r)),
        Serve(S3Target.Object, "GET", "retention", "GetObjectRetention", (a, r) => a.Lock.GetRetentionAsync(r)),
        Serve(S3Target.Object, "PUT", "retention", "PutObjectRetention", (a, r) => a.Lock.PutRetentionAsync(r)),
        Serve(S3Target.Object, "GET", "legal-hold", "GetObjectLegalHold", (a, r) => a.Lock.GetLegalHoldAsync(r)),
        Serve(S3Target.Object, "PUT", "legal-hold", "PutObjectLegalHold", (a, r) => a.Lock.PutLegalHoldAsync(r)),
        Serve(S3Target.Object, "GET", "attributes", "GetObjectAttributes", (a, r) => a.Object.GetObjectAttributesAsync(r)),
        Refuse(S3Target.Object, "GET", "torrent", "GetObjectTorrent"),
        Refuse(S3Target.Object, "POST", "restore", "RestoreObject"),
        Refuse(S3Target.Object, "POST", "select", "SelectObjectContent"),
        Refuse(S3Target.Object, "PUT", "renameObject", "RenameObject"),
        Refuse(S3Target.Object, "PUT", "encryption", "UpdateObjectEncryption"),
    ];

    private static readonly FrozenDictionary<(S3Target, string, string), S3Route> ByKey =
        All.ToFrozenDictionary(r => (r.Target, r.Method, r.Selector));

    /// <summary>The route for a request, or MethodNotAllowed: there is no default operation to fall back to.</summary>
    public static S3Route Find(S3Target target, string method, string? selector) =>
        ByKey.TryGetValue((target, method, selector ?? ""), out var route) ? route : throw S3Errors.MethodNotAllowed(method);

    private static S3Route Serve(S3Target target, string method, string selector, string operation, Func<S3Apis, S3Request, Task> run) =>
        new(target, method, selector, operation, Served, run);

    private static S3Route NotSet(S3Target target, string method, string selector, string operation, Func<S3Apis, S3Request, Task> run) =>
        new(target, method, selector, operation, S3Handling.NotSet, run);

    private static S3Route Refuse(S3Target target, string method, string selector, string operation) =>
        new(target, method, selector, operation, S3Handling.NotImplemented, (_, _) => throw S3Errors.OperationNotImplemented(operation));

    /// <summary>The four per-id bucket configurations (analytics, intelligent tiering, inventory, metrics): get or list, put, delete.</summary>
    private static S3Route[] Configurations(string selector, string name) =>
    [
        Refuse(Bucket, "GET", selector, $"GetBucket{name}Configuration"),
        Refuse(Bucket, "PUT", selector, $"PutBucket{name}Configuration"),
        Refuse(Bucket, "DELETE", selector, $"DeleteBucket{name}Configuration"),
    ];
}
