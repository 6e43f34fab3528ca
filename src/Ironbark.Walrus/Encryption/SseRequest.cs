using System.Text;
using System.Text.Json;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// The encryption a write asked for in its headers: x-amz-server-side-encryption (AES256 or aws:kms), the KMS key id,
/// context and bucket-key flag, or an SSE-C key. <see cref="Mode"/> null with no customer key: the request did not
/// say, and the bucket's default applies.
/// </summary>
public sealed record SseRequest(string? Mode, string? KmsKeyId, Dictionary<string, string>? Context, bool? BucketKey, CustomerKey? CustomerKey)
{
    public static readonly SseRequest None = new(null, null, null, null, null);

    public bool SaysNothing => Mode is null && CustomerKey is null;

    public static SseRequest Parse(Func<string, string?> header, bool secure, bool requireTls)
    {
        var mode = header(SseErrors.SseHeader);
        if (mode is not null and not (ObjectEncryption.SseS3 or ObjectEncryption.SseKms))
            throw SseErrors.UnsupportedMethod(mode);
        var customer = CustomerKey.Parse(header, CustomerKey.Prefix, secure, requireTls);
        if (customer is not null && mode is not null)
            throw SseErrors.CustomerKeyWithSse(mode);
        var keyId = header("x-amz-server-side-encryption-aws-kms-key-id");
        if (keyId is not null && mode != ObjectEncryption.SseKms)
            throw SseErrors.KmsKeyWithoutKms("x-amz-server-side-encryption-aws-kms-key-id", keyId);
        if (keyId is { Length: 0 })
            throw SseErrors.KmsKeyWithoutKms("x-amz-server-side-encryption-aws-kms-key-id", keyId);
        var contextHeader = header("x-amz-server-side-encryption-context");
        if (contextHeader is not null && mode != ObjectEncryption.SseKms)
            throw SseErrors.KmsKeyWithoutKms("x-amz-server-side-encryption-context", contextHeader);
        var bucketKeyHeader = header("x-amz-server-side-encryption-bucket-key-enabled");
        bool? bucketKey = bucketKeyHeader switch
        {
            null => null,
            _ when bucketKeyHeader.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
            _ when bucketKeyHeader.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
            _ => throw SseErrors.BadBucketKey(bucketKeyHeader),
        };
        return new SseRequest(mode, keyId, contextHeader is null ? null : ParseContext(contextHeader), bucketKey, customer);
    }

    /// <summary>Refuses the write-only headers on a request that reads (GET, HEAD): S3 answers InvalidArgument.</summary>
    public static void RefuseOnRead(Func<string, string?> header)
    {
        foreach (var name in new[] { SseErrors.SseHeader, "x-amz-server-side-encryption-aws-kms-key-id", "x-amz-server-side-encryption-context" })
            if (header(name) is not null)
                throw SseErrors.NotForThisOperation(name);
    }

    private static Dictionary<string, string> ParseContext(string value)
    {
        try
        {
            var json = Encoding.UTF8.GetString(Convert.FromBase64String(value));
            return JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw SseErrors.BadContext(value);
        }
        catch (Exception e) when (e is FormatException or JsonException or DecoderFallbackException)
        {
            throw SseErrors.BadContext(value);
        }
    }
}
