using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Common.Auth;

/// <summary>The primitives of AWS Signature Version 4: canonical forms, the signing key and signatures.</summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    public static readonly string EmptySha256 = Convert.ToHexStringLower(SHA256.HashData([]));

    public static byte[] SigningKey(string secret, string date, string region, string service)
    {
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secret), date);
        key = Hmac(key, region);
        key = Hmac(key, service);
        return Hmac(key, "aws4_request");
    }

    public static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    public static string Sign(byte[] signingKey, string stringToSign) => Convert.ToHexStringLower(Hmac(signingKey, stringToSign));

    public static string Sha256Hex(string data) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(data)));

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Sha256Hex(canonicalRequest)}";

    /// <summary>RFC 3986 encoding as AWS does it: unreserved characters stay, everything else is %XX of its UTF-8 bytes.</summary>
    public static string UriEncode(string value, bool keepSlash)
    {
        var builder = new StringBuilder(value.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.' or '~' || (keepSlash && c == '/'))
                builder.Append(c);
            else
                builder.Append('%').Append(b.ToString("X2"));
        }
        return builder.ToString();
    }

    /// <summary>
    /// The canonical URI. S3 signs the path encoded once; other services encode the encoded path again.
    /// </summary>
    public static string CanonicalUri(string rawPath, bool s3)
    {
        if (string.IsNullOrEmpty(rawPath))
            return "/";
        var decoded = Uri.UnescapeDataString(rawPath);
        var once = UriEncode(decoded, keepSlash: true);
        return s3 ? once : UriEncode(once, keepSlash: true);
    }

    /// <summary>The canonical query string: parameters decoded, re-encoded and sorted by name then value.</summary>
    public static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> parameters) =>
        string.Join('&', parameters
            .Select(p => (Key: UriEncode(p.Key, false), Value: UriEncode(p.Value, false)))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>Splits a raw query string ("a=1&amp;b") into decoded name/value pairs, keeping order and repeats.</summary>
    public static List<KeyValuePair<string, string>> ParseQuery(string? rawQuery)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(rawQuery))
            return result;
        foreach (var part in rawQuery.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var name = eq < 0 ? part : part[..eq];
            var value = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Unescape(name), Unescape(value)));
        }
        return result;
    }

    private static string Unescape(string value)
    {
        try
        {
            return Uri.UnescapeDataString(value);
        }
        catch (UriFormatException)
        {
            return value;
        }
    }

    /// <summary>A header value as SigV4 canonicalises it: trimmed, inner runs of spaces collapsed.</summary>
    public static string CanonicalHeaderValue(string value)
    {
        var trimmed = value.Trim();
        if (!trimmed.Contains("  "))
            return trimmed;
        var builder = new StringBuilder(trimmed.Length);
        var lastSpace = false;
        foreach (var c in trimmed)
        {
            if (c == ' ' && lastSpace)
                continue;
            lastSpace = c == ' ';
            builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>Constant-time comparison of two hex signatures.</summary>
    public static bool SignaturesEqual(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a.ToLowerInvariant()), Encoding.ASCII.GetBytes(b.ToLowerInvariant()));
}
