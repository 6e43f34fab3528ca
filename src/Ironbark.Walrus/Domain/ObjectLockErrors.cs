namespace Ironbark.Walrus.Domain;

/// <summary>The errors S3 answers for Object Lock, with AWS's codes, statuses and messages.</summary>
public static class ObjectLockErrors
{
    public static WalrusException MissingConfiguration() => S3Errors.InvalidRequest("Bucket is missing Object Lock Configuration");

    public static WalrusException Protected() => new("AccessDenied", 403, "Access Denied because object protected by object lock.");

    public static WalrusException NoObjectConfiguration() =>
        new("NoSuchObjectLockConfiguration", 404, "The specified object does not have a ObjectLock configuration");

    public static WalrusException NoBucketConfiguration(string bucket) =>
        new WalrusException("ObjectLockConfigurationNotFoundError", 404, "Object Lock configuration does not exist for this bucket").With("BucketName", bucket);

    public static WalrusException VersioningCannotChange() =>
        new("InvalidBucketState", 409, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");

    public static WalrusException VersioningRequired() =>
        new("InvalidBucketState", 409, "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration");

    public static WalrusException DateInPast() => S3Errors.InvalidArgument("The retain until date must be in the future!");

    public static WalrusException IntegrityRequired() =>
        S3Errors.InvalidRequest("Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");

    public static WalrusException InvalidRetentionPeriod(string message) => new("InvalidRetentionPeriod", 400, message);
}
