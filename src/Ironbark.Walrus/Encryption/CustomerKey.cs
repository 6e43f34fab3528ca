using System.Security.Cryptography;

namespace Ironbark.Walrus.Encryption;

/// <summary>An SSE-C key as a request sent it (checked against its MD5); held only for the request.</summary>
public sealed record CustomerKey(byte[] Key, string Md5)
{
    public const string Prefix = "x-amz-server-side-encryption-customer-";
    public const string CopySourcePrefix = "x-amz-copy-source-server-side-encryption-customer-";

    /// <summary>
    /// The key from the three headers under <paramref name="prefix"/>, or null when none of them is there; every
    /// malformed, missing or mismatched one answers as S3 does.
    /// </summary>
    public static CustomerKey? Parse(Func<string, string?> header, string prefix, bool secure, bool requireTls)
    {
        var algorithm = header(prefix + "algorithm");
        var key = header(prefix + "key");
        var md5 = header(prefix + "key-MD5");
        if (algorithm is null && key is null && md5 is null)
            return null;
        if (algorithm is null)
            throw SseErrors.CustomerAlgorithmMissing(prefix);
        if (algorithm != "AES256")
            throw SseErrors.CustomerAlgorithmInvalid(prefix, algorithm);
        if (requireTls && !secure)
            throw SseErrors.CustomerKeyNeedsTls();
        if (string.IsNullOrEmpty(key))
            throw SseErrors.CustomerKeyMissing(prefix);
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(key);
        }
        catch (FormatException)
        {
            throw SseErrors.CustomerKeyInvalid(prefix);
        }
        if (bytes.Length != ChunkedAesGcm.KeySize)
            throw SseErrors.CustomerKeyInvalid(prefix);
        if (string.IsNullOrEmpty(md5))
            throw SseErrors.CustomerKeyMd5Missing(prefix);
        var actual = Convert.ToBase64String(MD5.HashData(bytes));
        if (actual != md5)
            throw SseErrors.CustomerKeyMd5Mismatch(prefix);
        return new CustomerKey(bytes, actual);
    }

    public string Hmac(string salt) => Convert.ToBase64String(HMACSHA256.HashData(Convert.FromBase64String(salt), Key));

    public bool Matches(ObjectEncryption encryption) =>
        encryption.CustomerKeySalt is { } salt && encryption.CustomerKeyHmac is { } hmac
        && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(Hmac(salt)), Convert.FromBase64String(hmac));
}
