using System.Security.Cryptography;
using Ironbark.Common.Keys;

namespace Ironbark.Clc.Keys;

/// <summary>
/// The cloud's key service (KMS): customer keys per account, data keys and small secrets encrypted under them. The CLC
/// answers the KMS API and Walrus's kms.proto calls from it; a blob names its key, so Decrypt needs no key id.
/// </summary>
public sealed class KeyService(KeyStore store, string region) : IKeyService
{
    /// <summary>The alias of the key the cloud makes for an account's first SSE-KMS object that names no key.</summary>
    public const string S3Alias = "alias/aws/s3";
    public const int MaxPlaintextBytes = 4096;
    public const int MaxDescriptionLength = 8192;
    private const int MaterialBytes = 32;

    public string Region => region;

    /// <summary>The key service over the CLC's database <paramref name="clcDb"/>, its key material under the cloud's secret key.</summary>
    public static KeyService Over(Ironbark.Common.Data.Database clcDb, Identity.AccountStore accounts, string region) =>
        new(new KeyStore(clcDb, accounts.Protector), region);

    /// <param name="alias">An alias made with the key, in the same transaction (the admin CLI's --alias): a bad or taken one makes no key.</param>
    public async Task<KmsKey> CreateKeyAsync(string accountId, string? description, CancellationToken ct, string? alias = null)
    {
        if (description?.Length > MaxDescriptionLength)
            throw new KeyRequestException("ValidationException", $"Description must be at most {MaxDescriptionLength} characters.");
        if (alias is not null)
        {
            ValidateAliasName(alias);
            if (await store.FindByAliasAsync(accountId, alias, ct) is not null)
                throw AliasExists(accountId, alias);
        }
        var (key, material) = NewKey(accountId, description ?? "", KmsKey.CustomerManaged);
        await store.InsertAsync(key, material, alias, ct);
        return View(key);
    }

    /// <summary>The key <paramref name="keyId"/> names, in any state.</summary>
    public async Task<KmsKey> DescribeKeyAsync(string accountId, string keyId, CancellationToken ct) => View(await ResolveAsync(accountId, keyId, ct));

    public async Task<IReadOnlyList<KmsKey>> ListKeysAsync(string accountId, CancellationToken ct) =>
        (await store.ListAsync(accountId, ct)).Select(View).ToList();

    public async Task<KmsKey> SetEnabledAsync(string accountId, string keyId, bool enabled, CancellationToken ct)
    {
        var key = await ResolveAsync(accountId, keyId, ct);
        if (key.KeyState == KeyState.PendingDeletion)
            throw new KeyServiceException(KeyServiceError.Disabled, $"{Arn(key)} is pending deletion.");
        await store.SetStateAsync(key.KeyId, enabled ? KeyState.Enabled : KeyState.Disabled, ct);
        return View(key) with { State = enabled ? KeyState.Enabled : KeyState.Disabled };
    }

    /// <summary>Encrypts up to 4 KiB under an enabled key; the answer's plaintext is the caller's own.</summary>
    public async Task<DataKey> EncryptAsync(string accountId, string keyId, byte[] plaintext, IReadOnlyDictionary<string, string> context, CancellationToken ct)
    {
        if (plaintext.Length is 0 or > MaxPlaintextBytes)
            throw new KeyRequestException("ValidationException", $"Plaintext must be 1 to {MaxPlaintextBytes} bytes long.");
        var key = Usable(await ResolveAsync(accountId, keyId, ct));
        return new DataKey(Arn(key), plaintext, CiphertextBlob.Seal(key.KeyId, store.Material(key), plaintext, context));
    }

    public Task<DataKey> GenerateDataKeyAsync(string accountId, string keyId, IReadOnlyDictionary<string, string> context, CancellationToken ct) =>
        GenerateDataKeyAsync(accountId, keyId, context, MaterialBytes, ct);

    /// <summary>A data key of <paramref name="bytes"/> random bytes (1-1024, as KMS's NumberOfBytes).</summary>
    public async Task<DataKey> GenerateDataKeyAsync(string accountId, string keyId, IReadOnlyDictionary<string, string> context, int bytes, CancellationToken ct)
    {
        if (bytes is < 1 or > 1024)
            throw new KeyRequestException("ValidationException", "NumberOfBytes must be between 1 and 1024.");
        var key = Usable(await ResolveAsync(accountId, keyId, ct));
        var plaintext = RandomNumberGenerator.GetBytes(bytes);
        return new DataKey(Arn(key), plaintext, CiphertextBlob.Seal(key.KeyId, store.Material(key), plaintext, context));
    }

    public async Task<DataKey> DecryptAsync(string accountId, byte[] ciphertextBlob, IReadOnlyDictionary<string, string> context, CancellationToken ct)
    {
        var keyId = CiphertextBlob.KeyIdOf(ciphertextBlob)
                    ?? throw new KeyServiceException(KeyServiceError.InvalidCiphertext, "The ciphertext is not one this key service made.");
        var key = await store.FindAsync(keyId, ct)
                  ?? throw new KeyServiceException(KeyServiceError.NotFound, $"The key {keyId} of this ciphertext does not exist.");
        if (key.AccountId != accountId)
            throw new KeyServiceException(KeyServiceError.AccessDenied, $"The caller may not use the key {Arn(key)}.");
        var plaintext = CiphertextBlob.Open(ciphertextBlob, store.Material(Usable(key)), context)
                        ?? throw new KeyServiceException(KeyServiceError.InvalidCiphertext,
                            "The ciphertext does not decrypt under its key with this encryption context.");
        return new DataKey(Arn(key), plaintext, ciphertextBlob);
    }

    public async Task<KmsAlias> CreateAliasAsync(string accountId, string alias, string targetKeyId, CancellationToken ct)
    {
        ValidateAliasName(alias);
        var key = await ResolveAsync(accountId, targetKeyId, ct);
        if (key.KeyManager != KmsKey.CustomerManaged)
            throw new KeyRequestException("UnsupportedOperationException", $"{Arn(key)} is managed by the cloud: an alias can only name a customer key.");
        if (!await store.TryInsertAliasAsync(accountId, alias, key.KeyId, ct))
            throw AliasExists(accountId, alias);
        return new KmsAlias(alias, AliasArn(accountId, alias), key.KeyId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private static void ValidateAliasName(string alias)
    {
        if (!KeyReference.IsAliasName(alias))
            throw new KeyRequestException("InvalidAliasNameException",
                $"Alias '{alias}' is invalid: use alias/ followed by 1 to 250 letters, digits, '/', '_' or '-'.");
        if (alias.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new KeyRequestException("InvalidAliasNameException", "Aliases beginning with alias/aws/ are reserved for the cloud's own keys.");
    }

    private KeyRequestException AliasExists(string accountId, string alias) =>
        new("AlreadyExistsException", $"An alias with the name {AliasArn(accountId, alias)} already exists.");

    public async Task DeleteAliasAsync(string accountId, string alias, CancellationToken ct)
    {
        if (alias.StartsWith("alias/aws/", StringComparison.Ordinal))
            throw new KeyRequestException("InvalidAliasNameException", "Aliases beginning with alias/aws/ are the cloud's own and cannot be deleted.");
        if (!KeyReference.IsAliasName(alias) || !await store.DeleteAliasAsync(accountId, alias, ct))
            throw new KeyServiceException(KeyServiceError.NotFound, $"Alias {AliasArn(accountId, alias)} is not found.");
    }

    /// <summary>The account's aliases, by name; with <paramref name="keyId"/>, only those naming that key.</summary>
    public async Task<IReadOnlyList<KmsAlias>> ListAliasesAsync(string accountId, string? keyId, CancellationToken ct)
    {
        var only = keyId is null ? null : (await ResolveAsync(accountId, keyId, ct)).KeyId;
        return (await store.ListAliasesAsync(accountId, ct))
            .Where(a => only is null || a.KeyId == only)
            .Select(a => new KmsAlias(a.Alias, AliasArn(accountId, a.Alias), a.KeyId, a.CreatedMs))
            .ToList();
    }

    /// <summary>
    /// The key a reference names. A short form names the caller's own keys; an ARN of another account's key that exists
    /// is AccessDenied (this cloud has no key policies or grants), anything that does not resolve is NotFound.
    /// </summary>
    private async Task<KeyRow> ResolveAsync(string accountId, string keyId, CancellationToken ct)
    {
        var reference = KeyReference.Parse(keyId, accountId, region)
                        ?? throw new KeyServiceException(KeyServiceError.NotFound, $"Invalid keyId '{keyId}'.");
        KeyRow? key;
        if (reference.Alias is { } alias)
        {
            key = reference.Owner == accountId && alias == S3Alias
                ? await store.FindOrCreateAliasedAsync(accountId, alias,
                    () => NewKey(accountId, "Default key that protects my S3 objects when no other key is defined", KmsKey.CloudManaged), ct)
                : await store.FindByAliasAsync(reference.Owner, alias, ct);
            if (key is null)
                throw new KeyServiceException(KeyServiceError.NotFound, $"Alias {AliasArn(reference.Owner, alias)} is not found.");
        }
        else
        {
            key = await store.FindAsync(reference.KeyId!, ct);
            if (key is null || key.AccountId != reference.Owner)
                throw new KeyServiceException(KeyServiceError.NotFound,
                    $"Key '{KmsKey.ArnOf(region, reference.Owner, reference.KeyId!)}' does not exist.");
        }
        if (key.AccountId != accountId)
            throw new KeyServiceException(KeyServiceError.AccessDenied, $"The caller's account {accountId} may not use the key {Arn(key)}.");
        return key;
    }

    private KeyRow Usable(KeyRow key) => key.KeyState switch
    {
        KeyState.Enabled => key,
        KeyState.Disabled => throw new KeyServiceException(KeyServiceError.Disabled, $"{Arn(key)} is disabled."),
        _ => throw new KeyServiceException(KeyServiceError.Disabled, $"{Arn(key)} is pending deletion."),
    };

    private static (KeyRow Key, byte[] Material) NewKey(string accountId, string description, string manager) =>
        (new KeyRow
        {
            KeyId = Guid.NewGuid().ToString("D"), AccountId = accountId, Description = description, KeyState = KeyState.Enabled,
            KeyManager = manager, CreatedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        }, RandomNumberGenerator.GetBytes(MaterialBytes));

    private KmsKey View(KeyRow key) => new(key.KeyId, key.AccountId, Arn(key), key.Description, key.KeyState, key.KeyManager, key.CreatedMs);

    private string Arn(KeyRow key) => KmsKey.ArnOf(region, key.AccountId, key.KeyId);

    private string AliasArn(string accountId, string alias) => $"arn:aws:kms:{region}:{accountId}:{alias}";
}
