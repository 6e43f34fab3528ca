using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// How an object's (or an upload's, or a part's) bytes are encrypted at rest, as kept in the encryption columns:
/// the mode (AES256 = SSE-S3, aws:kms = SSE-KMS, SSE-C), what the responses echo (key ARN, bucket key, customer key
/// MD5) and the wrapped data keys, one segment per data key. The plaintext of a data key is never stored; an SSE-C
/// customer key is not stored either, only an HMAC of it under a random salt, to tell a wrong key from the right one.
/// </summary>
public sealed record ObjectEncryption
{
    public const string SseS3 = "AES256";
    public const string SseKms = "aws:kms";
    public const string SseC = "SSE-C";

    public string Mode { get; init; } = SseS3;
    public int ChunkSize { get; init; } = ChunkedAesGcm.ChunkSize;
    /// <summary>SSE-KMS: the ARN of the key the data keys were made under.</summary>
    public string? KmsKeyArn { get; init; }
    /// <summary>SSE-KMS: the account whose key it is (the writer's), asked again to unwrap.</summary>
    public string? KmsAccount { get; init; }
    /// <summary>SSE-KMS: the encryption context the data keys are bound to.</summary>
    public Dictionary<string, string>? KmsContext { get; init; }
    public bool BucketKeyEnabled { get; init; }
    /// <summary>SSE-C: the base64 MD5 of the customer key, echoed in responses.</summary>
    public string? CustomerKeyMd5 { get; init; }
    /// <summary>SSE-C: base64 HMAC-SHA256 of the customer key under <see cref="CustomerKeySalt"/>.</summary>
    public string? CustomerKeyHmac { get; init; }
    public string? CustomerKeySalt { get; init; }
    /// <summary>The data keys, in the object's byte order; empty for an upload that has no parts yet.</summary>
    public List<DataKeySegment> Segments { get; init; } = [];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ObjectEncryption? FromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<ObjectEncryption>(json, Json);

    /// <summary>The same encryption without data keys: what an upload keeps for its parts.</summary>
    public ObjectEncryption WithoutSegments() => this with { Segments = [] };
}
