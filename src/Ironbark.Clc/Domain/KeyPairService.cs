using System.Text;
using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>Create, import, describe and delete an account's key pairs.</summary>
public sealed class KeyPairService(KeyPairStore store, TimeProvider time)
{
    public const string IdPrefix = "key";

    private static readonly FilterSchema<KeyPair> Filters = new(new Dictionary<string, Func<KeyPair, IEnumerable<string?>>>
    {
        ["key-name"] = k => [k.KeyName],
        ["key-pair-id"] = k => [k.KeyPairId],
        ["fingerprint"] = k => [k.Fingerprint],
        ["key-type"] = k => [k.KeyType],
    }, k => k.Tags);

    /// <summary>Makes a key pair; the private key in the answer is the only copy.</summary>
    public async Task<(KeyPair KeyPair, string PrivateKey)> CreateAsync(string accountId, string keyName, string keyType, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        ValidateName(keyName);
        var generated = keyType switch
        {
            "rsa" => KeyPairGenerator.Rsa(),
            "ed25519" => KeyPairGenerator.Ed25519(),
            _ => throw Ec2Exception.InvalidParameterValue($"Value ({keyType}) for parameter KeyType is invalid. Expected 'rsa' or 'ed25519'."),
        };
        var keyPair = await InsertAsync(accountId, keyName, generated.PublicKey, generated.Fingerprint, tags, ct);
        return (keyPair, generated.PrivateKeyMaterial);
    }

    /// <summary>Registers the public key of a pair the user made (OpenSSH or RFC 4716 format).</summary>
    public async Task<KeyPair> ImportAsync(string accountId, string keyName, byte[] publicKeyMaterial, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        ValidateName(keyName);
        var key = SshPublicKey.TryParse(Encoding.UTF8.GetString(publicKeyMaterial))
                  ?? throw new Ec2Exception("InvalidKeyPair.Format", "Key is not in valid OpenSSH public key format");
        return await InsertAsync(accountId, keyName, key, key.ImportedFingerprint(), tags, ct);
    }

    /// <summary>The account's key pairs: those named or with the given ids (each must exist), then filtered.</summary>
    public async Task<IReadOnlyList<KeyPair>> DescribeAsync(string accountId, IReadOnlyList<string> names, IReadOnlyList<string> ids,
        IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        IEnumerable<KeyPair> keyPairs = await store.ListAsync(accountId, ct);
        if (names.Count > 0 || ids.Count > 0)
        {
            var all = keyPairs.ToList();
            foreach (var name in names.Where(n => all.All(k => k.KeyName != n)))
                throw new Ec2Exception("InvalidKeyPair.NotFound", $"The key pair '{name}' does not exist");
            foreach (var id in ids.Where(i => all.All(k => k.KeyPairId != i)))
                throw new Ec2Exception("InvalidKeyPair.NotFound", $"The key pair ID '{id}' does not exist");
            keyPairs = all.Where(k => names.Contains(k.KeyName) || ids.Contains(k.KeyPairId));
        }
        return Filters.Apply(keyPairs, filters);
    }

    /// <summary>Deletes by name or id; a key pair that does not exist is not an error, as on AWS. Returns the deleted id.</summary>
    public Task<string?> DeleteAsync(string accountId, string? keyName, string? keyPairId, CancellationToken ct) =>
        store.DeleteAsync(accountId, keyName, keyPairId, ct);

    private async Task<KeyPair> InsertAsync(string accountId, string keyName, SshPublicKey key, string fingerprint, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        var keyPair = new KeyPair
        {
            KeyPairId = ResourceId.New(IdPrefix), AccountId = accountId, KeyName = keyName, KeyType = key.KeyType,
            Fingerprint = fingerprint, PublicKey = key.ToOpenSsh(keyName), CreatedMs = time.GetUtcNow().ToUnixTimeMilliseconds(), Tags = tags,
        };
        if (!await store.TryInsertAsync(keyPair, ct))
            throw new Ec2Exception("InvalidKeyPair.Duplicate", $"The keypair '{keyName}' already exists.");
        return keyPair;
    }

    private static void ValidateName(string keyName)
    {
        if (keyName.Length > 255)
            throw Ec2Exception.InvalidParameterValue("Value for parameter KeyName is invalid. Length exceeds maximum of 255 characters.");
        if (!keyName.All(char.IsAscii) || keyName.Any(char.IsControl))
            throw Ec2Exception.InvalidParameterValue($"Value ({keyName}) for parameter KeyName is invalid. Use printable ASCII characters only.");
    }
}
