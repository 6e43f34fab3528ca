namespace Ironbark.Walrus.Api;

/// <summary>The S3 operation handlers a route may call.</summary>
public sealed record S3Apis(BucketApi Bucket, ObjectApi Object, ListApi List, MultipartApi Multipart, AclApi Acl,
    BucketConfigApi Config, UnsetConfigurationApi Unset, PostObjectApi Post, ObjectLockApi Lock, OwnershipControlsApi Ownership,
    BucketEncryptionApi Encryption, PublicAccessApi PublicAccess);
