using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Bench;

/// <summary>
/// Signs S3 requests with SigV4 and an UNSIGNED-PAYLOAD body: enough for the benchmark's simple
/// keys and query strings. Written apart from Walrus's verifier; s3rver checks it independently.
/// </summary>
public sealed class SigV4Signer(string accessKey, string secretKey, string region)
{
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    private const string SignedHeaders = "host;x-amz-content-sha256;x-amz-date";
    private string _keyDate = "";
    private byte[] _signingKey = [];

    public void Sign(HttpRequestMessage request)
    {
        var uri = request.RequestUri!;
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var scope = $"{date}/{region}/s3/aws4_request";
        var host = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        // Extra x-amz-* headers the caller set (x-amz-server-side-encryption) are signed too, as S3 requires.
        var extra = request.Headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value).Trim())).OrderBy(h => h.Name, StringComparer.Ordinal).ToList();
        var signedHeaders = extra.Count == 0 ? SignedHeaders
            : string.Join(';', new[] { "host", "x-amz-content-sha256", "x-amz-date" }.Concat(extra.Select(h => h.Name)).Order(StringComparer.Ordinal));
        var headerLines = new List<(string Name, string Value)> { ("host", host), ("x-amz-content-sha256", UnsignedPayload), ("x-amz-date", amzDate) };
        headerLines.AddRange(extra);
        var canonicalHeaders = string.Concat(headerLines.OrderBy(h => h.Name, StringComparer.Ordinal).Select(h => $"{h.Name}:{h.Value}\n"));
        var canonical = $"{request.Method.Method}\n{uri.AbsolutePath}\n{CanonicalQuery(uri.Query)}\n{canonicalHeaders}\n{signedHeaders}\n{UnsignedPayload}";
        var toSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(date), Encoding.UTF8.GetBytes(toSign)));
        request.Headers.Add("x-amz-content-sha256", UnsignedPayload);
        request.Headers.Add("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The query as sent, sorted; the benchmark only sends names and values that need no encoding beyond what the URI holds.</summary>
    private static string CanonicalQuery(string query) =>
        string.Join('&', query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=') ? p : p + "=")
            .Order(StringComparer.Ordinal));

    private byte[] SigningKey(string date)
    {
        lock (this)
        {
            if (_keyDate != date)
            {
                var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
                foreach (var part in new[] { region, "s3", "aws4_request" })
                    key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
                (_keyDate, _signingKey) = (date, key);
            }
            return _signingKey;
        }
    }
}
