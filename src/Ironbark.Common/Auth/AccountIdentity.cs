namespace Ironbark.Common.Auth;

/// <summary>
/// An account as the components that authenticate requests see it: the CLC owns accounts, every
/// other component learns of them through its <see cref="ICredentialSource"/>.
/// </summary>
/// <param name="Id">The 12-digit account number, as AWS writes it.</param>
/// <param name="CanonicalId">The 64-hex canonical user id S3 uses in ACLs.</param>
public sealed record AccountIdentity(string Id, string Name, string CanonicalId);
