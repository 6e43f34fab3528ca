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
        var policy = bucket.Policy is null ? PolicyDecision.None : EvaluatePolicy(caller, bucket, action, target, key);
        if (policy == PolicyDecision.Deny)
            return false;
        if (policy == PolicyDecision.Allow)
            return true;
        var canonical = caller.Account?.CanonicalId;
        if (action.OnObject && target is not null)
            return canonical == target.OwnerCanonical || (action.BucketOwnerMay && canonical == bucket.OwnerCanonical) || AllowedByAcl(canonical, bucket, action, target);
        return canonical == bucket.OwnerCanonical || AllowedByAcl(canonical, bucket, action, target);
    }

    private static PolicyDecision EvaluatePolicy(Caller caller, BucketRow bucket, S3Action action, ObjectRow? target, string? key)
    {
        var policy = BucketPolicy.Parse(bucket.Policy!);
        var restrict = PublicAccessBlock.FromJson(bucket.PublicAccessBlock).RestrictPublicBuckets && policy.IsPublic
            && caller.Account?.CanonicalId != bucket.OwnerCanonical;
        return policy.Evaluate(caller, action.Name, bucket.Name, key ?? target?.Key, target?.Tags, restrict);
    }

    private static bool AllowedByAcl(string? canonical, BucketRow bucket, S3Action action, ObjectRow? target)
    {
        if (action.OnObject && target is not null)
            return action.ObjectPermission is { } permission && AccessControlList.FromJson(target.Acl).Allows(canonical, permission);
        return action.BucketPermission is not null && AccessControlList.FromJson(bucket.Acl).Allows(canonical, action.BucketPermission);
    }
}
