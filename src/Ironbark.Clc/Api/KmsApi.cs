using System.Text.Json.Nodes;
using Ironbark.Clc.Keys;

namespace Ironbark.Clc.Api;

/// <summary>
/// The KMS operations this cloud answers, each from a request body to the JSON KMS answers with; the key service does
/// the work. Only symmetric keys of the cloud's own material exist here (SYMMETRIC_DEFAULT, origin AWS_KMS).
/// </summary>
public sealed class KmsApi(KeyService keys)
{
    private const string Symmetric = "SYMMETRIC_DEFAULT";
    private const int DefaultPageSize = 100;

    /// <summary>The operations by name (the part of X-Amz-Target after "TrentService.").</summary>
    public static readonly IReadOnlyCollection<string> Operations =
    [
        "CreateKey", "DescribeKey", "ListKeys", "EnableKey", "DisableKey", "Encrypt", "Decrypt", "GenerateDataKey",
        "GenerateDataKeyWithoutPlaintext", "CreateAlias", "DeleteAlias", "ListAliases",
    ];

    public Task<JsonObject> RunAsync(string operation, string accountId, KmsRequest request, CancellationToken ct) => operation switch
    {
        "CreateKey" => CreateKeyAsync(accountId, request, ct),
        "DescribeKey" => DescribeKeyAsync(accountId, request, ct),
        "ListKeys" => ListKeysAsync(accountId, request, ct),
        "EnableKey" => SetEnabledAsync(accountId, request, true, ct),
        "DisableKey" => SetEnabledAsync(accountId, request, false, ct),
        "Encrypt" => EncryptAsync(accountId, request, ct),
        "Decrypt" => DecryptAsync(accountId, request, ct),
        "GenerateDataKey" => GenerateDataKeyAsync(accountId, request, withPlaintext: true, ct),
        "GenerateDataKeyWithoutPlaintext" => GenerateDataKeyAsync(accountId, request, withPlaintext: false, ct),
        "CreateAlias" => CreateAliasAsync(accountId, request, ct),
        "DeleteAlias" => DeleteAliasAsync(accountId, request, ct),
        "ListAliases" => ListAliasesAsync(accountId, request, ct),
        _ => throw new KmsException("UnknownOperationException", $"Operation {operation} is not one this key service answers."),
    };

    private async Task<JsonObject> CreateKeyAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        Only(request, "KeyUsage", "ENCRYPT_DECRYPT");
        Only(request, "KeySpec", Symmetric);
        Only(request, "CustomerMasterKeySpec", Symmetric);
        Only(request, "Origin", "AWS_KMS");
        if (request.String("Description") is { Length: > KeyService.MaxDescriptionLength })
            throw new KmsException("ValidationException", $"Description must be at most {KeyService.MaxDescriptionLength} characters.");
        var key = await keys.CreateKeyAsync(accountId, request.String("Description"), ct);
        return new JsonObject { ["KeyMetadata"] = Metadata(key) };
    }

    private async Task<JsonObject> DescribeKeyAsync(string accountId, KmsRequest request, CancellationToken ct) =>
        new() { ["KeyMetadata"] = Metadata(await keys.DescribeKeyAsync(accountId, request.RequiredString("KeyId"), ct)) };

    private async Task<JsonObject> ListKeysAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        var (offset, limit) = Page(request);
        var all = await keys.ListKeysAsync(accountId, ct);
        var page = all.Skip(offset).Take(limit).Select(k => (JsonNode)new JsonObject { ["KeyId"] = k.KeyId, ["KeyArn"] = k.Arn }).ToArray();
        return Paged(new JsonObject { ["Keys"] = new JsonArray(page) }, offset + limit, all.Count);
    }

    private async Task<JsonObject> SetEnabledAsync(string accountId, KmsRequest request, bool enabled, CancellationToken ct)
    {
        await keys.SetEnabledAsync(accountId, request.RequiredString("KeyId"), enabled, ct);
        return [];
    }

    private async Task<JsonObject> EncryptAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        Only(request, "EncryptionAlgorithm", Symmetric);
        var keyId = request.RequiredString("KeyId");
        var plaintext = request.RequiredBlob("Plaintext");
        var sealedKey = await keys.EncryptAsync(accountId, keyId, plaintext, request.Context(), ct);
        return new JsonObject
        {
            ["CiphertextBlob"] = Convert.ToBase64String(sealedKey.CiphertextBlob), ["KeyId"] = sealedKey.KeyArn, ["EncryptionAlgorithm"] = Symmetric,
        };
    }

    private async Task<JsonObject> DecryptAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        Only(request, "EncryptionAlgorithm", Symmetric);
        var blob = request.RequiredBlob("CiphertextBlob");
        var named = request.String("KeyId") is { } keyId ? await keys.DescribeKeyAsync(accountId, keyId, ct) : null;
        var opened = await keys.DecryptAsync(accountId, blob, request.Context(), ct);
        if (named is not null && named.Arn != opened.KeyArn)
            throw new KmsException("IncorrectKeyException", "The key ID in the request does not identify the KMS key that encrypted the ciphertext.");
        return new JsonObject
        {
            ["KeyId"] = opened.KeyArn, ["Plaintext"] = Convert.ToBase64String(opened.Plaintext), ["EncryptionAlgorithm"] = Symmetric,
        };
    }

    private async Task<JsonObject> GenerateDataKeyAsync(string accountId, KmsRequest request, bool withPlaintext, CancellationToken ct)
    {
        var keyId = request.RequiredString("KeyId");
        var bytes = (request.String("KeySpec"), request.Int("NumberOfBytes")) switch
        {
            (null, null) => throw new KmsException("ValidationException", "Please specify either number of bytes or key spec."),
            ({ }, { }) => throw new KmsException("ValidationException", "Please specify either number of bytes or key spec, not both."),
            ("AES_256", null) => 32,
            ("AES_128", null) => 16,
            ({ } spec, null) => throw new KmsException("ValidationException",
                $"1 validation error detected: Value '{spec}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"),
            (null, { } n) => n,
        };
        var dataKey = await keys.GenerateDataKeyAsync(accountId, keyId, request.Context(), bytes, ct);
        var answer = new JsonObject { ["CiphertextBlob"] = Convert.ToBase64String(dataKey.CiphertextBlob), ["KeyId"] = dataKey.KeyArn };
        if (withPlaintext)
            answer["Plaintext"] = Convert.ToBase64String(dataKey.Plaintext);
        return answer;
    }

    private async Task<JsonObject> CreateAliasAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        var alias = request.RequiredString("AliasName");
        await keys.CreateAliasAsync(accountId, alias, request.RequiredString("TargetKeyId"), ct);
        return [];
    }

    private async Task<JsonObject> DeleteAliasAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        await keys.DeleteAliasAsync(accountId, request.RequiredString("AliasName"), ct);
        return [];
    }

    private async Task<JsonObject> ListAliasesAsync(string accountId, KmsRequest request, CancellationToken ct)
    {
        var (offset, limit) = Page(request);
        var all = await keys.ListAliasesAsync(accountId, request.String("KeyId"), ct);
        var page = all.Skip(offset).Take(limit).Select(a => (JsonNode)new JsonObject
        {
            ["AliasName"] = a.AliasName, ["AliasArn"] = a.AliasArn, ["TargetKeyId"] = a.TargetKeyId,
            ["CreationDate"] = a.CreatedMs / 1000.0, ["LastUpdatedDate"] = a.CreatedMs / 1000.0,
        }).ToArray();
        return Paged(new JsonObject { ["Aliases"] = new JsonArray(page) }, offset + limit, all.Count);
    }

    /// <summary>KeyMetadata as DescribeKey and CreateKey write it.</summary>
    private static JsonObject Metadata(KmsKey key) => new()
    {
        ["AWSAccountId"] = key.AccountId, ["KeyId"] = key.KeyId, ["Arn"] = key.Arn, ["CreationDate"] = key.CreatedMs / 1000.0,
        ["Enabled"] = key.Enabled, ["Description"] = key.Description, ["KeyUsage"] = "ENCRYPT_DECRYPT", ["KeyState"] = key.State,
        ["Origin"] = "AWS_KMS", ["KeyManager"] = key.KeyManager, ["CustomerMasterKeySpec"] = Symmetric, ["KeySpec"] = Symmetric,
        ["EncryptionAlgorithms"] = new JsonArray(Symmetric), ["MultiRegion"] = false,
    };

    /// <summary>Limit (1-1000, default 100) and Marker (what NextMarker gave: the offset of the next page).</summary>
    private static (int Offset, int Limit) Page(KmsRequest request)
    {
        var limit = request.Int("Limit") ?? DefaultPageSize;
        if (limit is < 1 or > 1000)
            throw new KmsException("ValidationException",
                $"1 validation error detected: Value '{limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
        var marker = request.String("Marker");
        if (marker is null)
            return (0, limit);
        return marker.StartsWith("page-", StringComparison.Ordinal) && int.TryParse(marker.AsSpan(5), out var offset) && offset >= 0
            ? (offset, limit)
            : throw new KmsException("InvalidMarkerException", "The marker is not one this key service gave.");
    }

    private static JsonObject Paged(JsonObject answer, int next, int total)
    {
        answer["Truncated"] = next < total;
        if (next < total)
            answer["NextMarker"] = $"page-{next}";
        return answer;
    }

    private static void Only(KmsRequest request, string member, string supported)
    {
        if (request.String(member) is { } value && value != supported)
            throw new KmsException("UnsupportedOperationException", $"{member} {value} is not supported by this key service; it has {supported} only.");
    }
}
