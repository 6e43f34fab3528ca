namespace Ironbark.Common.Keys;

/// <summary>
/// The cloud's key service (KMS) as other components use it: data keys made under a customer key and unwrapped again.
/// The CLC answers from its own key store; Walrus asks the CLC over gRPC. An implementation that cannot reach the
/// service throws <see cref="KeyServiceException"/> of kind <see cref="KeyServiceError.Unavailable"/>, never a made-up answer.
/// </summary>
public interface IKeyService
{
    /// <summary>
    /// A new data key under <paramref name="keyId"/> (a key id, key ARN, alias name or alias ARN), which must belong to
    /// <paramref name="accountId"/> and be enabled. The ciphertext blob is bound to <paramref name="context"/> (the encryption context).
    /// </summary>
    Task<DataKey> GenerateDataKeyAsync(string accountId, string keyId, IReadOnlyDictionary<string, string> context, CancellationToken ct);

    /// <summary>The plaintext of a data key made by <see cref="GenerateDataKeyAsync"/>, given the same encryption context.</summary>
    Task<DataKey> DecryptAsync(string accountId, byte[] ciphertextBlob, IReadOnlyDictionary<string, string> context, CancellationToken ct);
}
