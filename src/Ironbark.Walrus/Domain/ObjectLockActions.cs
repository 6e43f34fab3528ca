namespace Ironbark.Walrus.Domain;

/// <summary>
/// The Object Lock actions as bucket policies name them. No ACL permission grants them (as on AWS): the bucket's owner,
/// the object's owner for its own versions, or a policy Allow does.
/// </summary>
public static class ObjectLockActions
{
    public static readonly S3Action GetConfiguration = S3Action.Config("s3:GetBucketObjectLockConfiguration");
    public static readonly S3Action PutConfiguration = S3Action.Config("s3:PutBucketObjectLockConfiguration");
    public static readonly S3Action GetRetention = new("s3:GetObjectRetention", null, null, OnObject: true);
    public static readonly S3Action PutRetention = new("s3:PutObjectRetention", null, null, OnObject: true);
    public static readonly S3Action GetLegalHold = new("s3:GetObjectLegalHold", null, null, OnObject: true);
    public static readonly S3Action PutLegalHold = new("s3:PutObjectLegalHold", null, null, OnObject: true);

    /// <summary>Needed, with x-amz-bypass-governance-retention: true, to delete or weaken a version under GOVERNANCE retention.</summary>
    public static readonly S3Action BypassGovernanceRetention = new("s3:BypassGovernanceRetention", null, null);
}
