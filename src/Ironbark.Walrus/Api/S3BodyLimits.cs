namespace Ironbark.Walrus.Api;

/// <summary>
/// The largest request bodies Walrus parses in memory, by kind (docs/security.md). Past its limit a body is refused
/// as AWS refuses it (MaxMessageLengthExceeded; MalformedPolicy for a policy) without being read further.
/// </summary>
public static class S3BodyLimits
{
    /// <summary>A bucket policy: AWS's maximum policy size, 20 KB.</summary>
    public const int BucketPolicy = 20 * 1024;

    /// <summary>CreateBucketConfiguration: a location constraint and little else.</summary>
    public const int CreateBucket = 64 * 1024;

    /// <summary>An XML configuration (versioning, CORS, lifecycle, tagging, ACL).</summary>
    public const int Configuration = 1024 * 1024;

    /// <summary>DeleteObjects (up to 1000 keys of up to 1024 bytes) and CompleteMultipartUpload (up to 10000 parts).</summary>
    public const int MultiObject = 2 * 1024 * 1024;
}
