namespace Ironbark.Walrus.Domain;

/// <summary>What Block Public Access counts as a public ACL: grants to AllUsers or AuthenticatedUsers, or a canned ACL that makes them.</summary>
public static class PublicAcl
{
    private static readonly string[] PublicCanned = ["public-read", "public-read-write", "authenticated-read"];
    private static readonly string[] GrantHeaders =
        ["s3:x-amz-grant-read", "s3:x-amz-grant-write", "s3:x-amz-grant-read-acp", "s3:x-amz-grant-write-acp", "s3:x-amz-grant-full-control"];

    private static bool IsPublicGrant(Grant g) => g.GranteeType == Grant.Group && g.Grantee is Grant.AllUsers or Grant.AuthenticatedUsers;

    /// <summary>The ACL with its public grants left out (IgnorePublicAcls).</summary>
    public static AccessControlList WithoutPublicGrants(AccessControlList acl) => acl with { Grants = acl.Grants.Where(g => !IsPublicGrant(g)).ToList() };

    /// <summary>
    /// BlockPublicAcls on a PutBucketAcl or PutObjectAcl: the ACL it would set, from headers or an XML body, may not grant
    /// AllUsers or AuthenticatedUsers (AccessDenied, nothing changed).
    /// </summary>
    public static void RefuseIfBlocked(Store.BucketRow bucket, AccessControlList acl)
    {
        if (PublicAccessBlock.FromJson(bucket.PublicAccessBlock).BlockPublicAcls && acl.Grants.Any(IsPublicGrant))
            throw S3Errors.AccessDenied();
    }

    /// <summary>Whether the request's x-amz-acl or x-amz-grant-* headers (from its context keys) would make a public ACL (BlockPublicAcls).</summary>
    public static bool RequestedInHeaders(IReadOnlyDictionary<string, IReadOnlyList<string>>? facts)
    {
        if (facts is null)
            return false;
        if (facts.TryGetValue("s3:x-amz-acl", out var canned) && PublicCanned.Contains(canned[0]))
            return true;
        return GrantHeaders.Any(h => facts.TryGetValue(h, out var v)
            && (v[0].Contains(Grant.AllUsers, StringComparison.Ordinal) || v[0].Contains(Grant.AuthenticatedUsers, StringComparison.Ordinal)));
    }
}
