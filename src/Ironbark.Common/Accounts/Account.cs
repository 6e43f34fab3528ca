namespace Ironbark.Common.Accounts;

/// <summary>A tenant of the cloud: owns buckets, instances and everything else, and holds access keys.</summary>
/// <param name="Id">The 12-digit account number, as AWS writes it.</param>
/// <param name="CanonicalId">The 64-hex canonical user id S3 uses in ACLs.</param>
public sealed record Account(string Id, string Name, string CanonicalId, long CreatedMs)
{
    public const string AdminName = "admin";
}
