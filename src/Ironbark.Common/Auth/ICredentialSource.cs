namespace Ironbark.Common.Auth;

/// <summary>
/// Where a component learns who holds an access key and who an account is. The CLC answers from its own
/// account store; every other component asks the CLC's identity service (identity.proto). An implementation
/// that cannot reach its source throws <see cref="AuthException"/> with status 503 rather than answer "unknown".
/// </summary>
public interface ICredentialSource
{
    /// <summary>The active key <paramref name="accessKeyId"/>, or null when there is none (deleted, never made).</summary>
    Task<SigningCredential?> FindAccessKeyAsync(string accessKeyId, CancellationToken ct);

    /// <summary>The account with this 12-digit id, or null.</summary>
    Task<AccountIdentity?> FindAccountByIdAsync(string accountId, CancellationToken ct);

    /// <summary>The account with this S3 canonical user id, or null.</summary>
    Task<AccountIdentity?> FindAccountByCanonicalIdAsync(string canonicalId, CancellationToken ct);
}
