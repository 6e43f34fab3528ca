using Ironbark.Common.Auth;

namespace Ironbark.Clc.Identity;

/// <summary>A tenant of the cloud: owns buckets, instances and everything else, and holds access keys.</summary>
/// <param name="Id">The 12-digit account number, as AWS writes it.</param>
/// <param name="CanonicalId">The 64-hex canonical user id S3 uses in ACLs.</param>
public sealed record Account(string Id, string Name, string CanonicalId, long CreatedMs)
{
    public const string AdminName = "admin";

    /// <summary>What request authentication needs to know of the account.</summary>
    public AccountIdentity Identity => new(Id, Name, CanonicalId);
}
