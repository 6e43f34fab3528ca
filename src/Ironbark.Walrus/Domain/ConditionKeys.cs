namespace Ironbark.Walrus.Domain;

/// <summary>The condition keys a bucket policy may name: AWS's global keys and the S3 keys (a policy naming another is MalformedPolicy).</summary>
public static class ConditionKeys
{
    private static readonly HashSet<string> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        "aws:SourceIp", "aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime", "aws:Referer", "aws:UserAgent",
        "aws:PrincipalAccount", "aws:PrincipalArn", "aws:userid", "aws:username", "aws:PrincipalType", "aws:SourceAccount",
        "aws:SourceArn", "aws:SourceVpc", "aws:SourceVpce", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths", "aws:VpcSourceIp",
        "aws:PrincipalServiceName", "aws:PrincipalIsAWSService", "aws:ViaAWSService", "aws:CalledVia", "aws:TokenIssueTime",
        "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge", "aws:RequestedRegion", "aws:TagKeys", "aws:ResourceAccount",
        "s3:prefix", "s3:delimiter", "s3:max-keys", "s3:x-amz-acl", "s3:x-amz-grant-read", "s3:x-amz-grant-write",
        "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control", "s3:x-amz-copy-source",
        "s3:x-amz-metadata-directive", "s3:x-amz-server-side-encryption", "s3:x-amz-server-side-encryption-aws-kms-key-id",
        "s3:x-amz-server-side-encryption-customer-algorithm", "s3:x-amz-storage-class", "s3:x-amz-content-sha256",
        "s3:RequestObjectTagKeys", "s3:object-lock-mode", "s3:object-lock-retain-until-date",
        "s3:object-lock-remaining-retention-days", "s3:object-lock-legal-hold", "s3:signatureversion", "s3:authType",
        "s3:signatureAge", "s3:TlsVersion", "s3:VersionId", "s3:LocationConstraint", "s3:ResourceAccount",
        "s3:x-amz-object-ownership", "s3:object-lock-enabled", "s3:ExistingJobPriority", "s3:ExistingJobOperation",
        "s3:RequestJobPriority", "s3:RequestJobOperation", "s3:DataAccessPointAccount", "s3:DataAccessPointArn", "s3:AccessPointNetworkOrigin",
    };

    private static readonly string[] Prefixes = ["s3:ExistingObjectTag/", "s3:RequestObjectTag/", "aws:RequestTag/", "aws:ResourceTag/", "aws:PrincipalTag/"];

    public static bool IsKnown(string key) =>
        Known.Contains(key) || Prefixes.Any(p => key.Length > p.Length && key.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
