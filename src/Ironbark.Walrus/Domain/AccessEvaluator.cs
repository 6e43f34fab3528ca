using Ironbark.Common.Auth;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// Decides whether a caller may do an action on a bucket or object: an explicit Deny in the bucket
/// policy always wins; then an Allow in the policy, ownership, or an ACL grant lets it through.
/// </summary>
public static class AccessEvaluator
{
    public static void Require(Caller caller, BucketRow bucket, S3Action action, ObjectRow? target = null, string? key = null)
    {
        if (!IsAllowed(caller, bucket, action, target, key))
            throw S3Errors.AccessDenied();
    }

    public static bool IsAllowed(Caller caller, BucketRow bucket, S3Action action, ObjectRow? target = null, string? key = null)
    {
        var block = PublicAccessBlock.FromJson(bucket.PublicAccessBlock);
        if (block.BlockPublicAcls && action.Name is "s3:PutObject" or "s3:PutObjectAcl" or "s3:PutBucketAcl" && PublicAcl.RequestedInHeaders(caller.Facts))
            return false;
        var policy = bucket.Policy is null ? PolicyDecision.None : EvaluatePolicy(caller, bucket, action, target, key);
        if (policy == PolicyDecision.Deny)
            return false;
        if (policy == PolicyDecision.Allow)
            return true;
        var canonical = caller.Account?.CanonicalId;
        if (action.OnObject && target is not null)
            return canonical == ObjectOwnership.OwnerOf(bucket, target) || (action.BucketOwnerMay && canonical == bucket.OwnerCanonical)
                || AllowedByAcl(canonical, bucket, action, target, block.IgnorePublicAcls);
        return canonical == bucket.OwnerCanonical || AllowedByAcl(canonical, bucket, action, target, block.IgnorePublicAcls);
    }

    private static PolicyDecision EvaluatePolicy(Caller caller, BucketRow bucket, S3Action action, ObjectRow? target, string? key)
    {
        var policy = BucketPolicy.Parse(bucket.Policy!);
        var restrict = PublicAccessBlock.FromJson(bucket.PublicAccessBlock).RestrictPublicBuckets && policy.IsPublic
            && caller.Account?.CanonicalId != bucket.OwnerCanonical;
        return policy.Evaluate(caller, action.Name, bucket.Name, key ?? target?.Key, target?.Tags, restrict);
    }

    private static bool AllowedByAcl(string? canonical, BucketRow bucket, S3Action action, ObjectRow? target, bool ignorePublic)
    {
        // With ACLs disabled (BucketOwnerEnforced) no grant counts: only ownership and the policy decide.
        if (ObjectOwnership.AclsDisabled(bucket))
            return false;
        AccessControlList Acl(string json) => ignorePublic ? PublicAcl.WithoutPublicGrants(AccessControlList.FromJson(json)) : AccessControlList.FromJson(json);
        if (action.OnObject && target is not null)
            return action.ObjectPermission is { } permission && Acl(target.Acl).Allows(canonical, permission);
        return action.BucketPermission is not null && Acl(bucket.Acl).Allows(canonical, action.BucketPermission);
    }
}
