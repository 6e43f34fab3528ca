using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Auth.Tests;

/// <summary>How a SigV4 request is signed, where a test departs from what a correct client does.</summary>
public sealed record V4Options
{
    public DateTimeOffset? Time { get; init; }
    /// <summary>The credential scope's date (the date of X-Amz-Date when null), region and service.</summary>
    public string? ScopeDate { get; init; }
    public string? Region { get; init; }
    public string? Service { get; init; }
    /// <summary>Headers sent but left out of SignedHeaders (host among them, if named).</summary>
    public IReadOnlyCollection<string> Unsigned { get; init; } = [];
    /// <summary>The payload hash to sign and send; the body's SHA-256 when null (S3 presigned: UNSIGNED-PAYLOAD).</summary>
    public string? PayloadHash { get; init; }
    /// <summary>Whether header authentication sends x-amz-content-sha256 (S3 needs it; botocore leaves it out for EC2).</summary>
    public bool SendContentSha { get; init; } = true;
}

/// <summary>
/// Signs raw requests with SigV4 (header and query), S3's SigV2 (header and query) and the Query API's
/// SigV2, written from the AWS documentation independently of the server's code.
/// </summary>
public sealed class TestSigner(string accessKeyId, string secret, string region, string service)
{
    public static string Now(DateTimeOffset when) => when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    /// <summary>SigV4 in the Authorization header.</summary>
    public RawRequest SignHeader(Uri endpoint, string method, string path, IEnumerable<(string Name, string Value)> query,
        IEnumerable<(string Name, string Value)> headers, byte[] body, V4Options? o = null)
    {
        o ??= new V4Options();
        var amzDate = Now(o.Time ?? DateTimeOffset.UtcNow);
        var payloadHash = o.PayloadHash ?? Hex(SHA256.HashData(body));
        var all = new List<(string Name, string Value)> { ("Host", endpoint.Authority), ("X-Amz-Date", amzDate) };
        if (o.SendContentSha)
            all.Add(("X-Amz-Content-Sha256", payloadHash));
        all.AddRange(headers);
        var parameters = query.ToList();
        var (signedHeaders, canonicalHeaders) = Canonical(all, o.Unsigned);
        var scope = Scope(amzDate, o);
        var signature = Sign(method, path, parameters, canonicalHeaders, signedHeaders, payloadHash, amzDate, scope, o);
        all.Add(("Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}"));
        return new RawRequest(method, Target(path, parameters), all, body);
    }

    /// <summary>SigV4 in the query string (a presigned URL), valid for <paramref name="expires"/> seconds.</summary>
    public RawRequest Presign(Uri endpoint, string method, string path, IEnumerable<(string Name, string Value)> query,
        IEnumerable<(string Name, string Value)> headers, byte[] body, long expires = 300, V4Options? o = null)
    {
        o ??= new V4Options();
        var amzDate = Now(o.Time ?? DateTimeOffset.UtcNow);
        var all = new List<(string Name, string Value)> { ("Host", endpoint.Authority) };
        all.AddRange(headers);
        var (signedHeaders, canonicalHeaders) = Canonical(all, o.Unsigned);
        var scope = Scope(amzDate, o);
        var parameters = query.ToList();
        parameters.AddRange([
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"), ("X-Amz-Credential", $"{accessKeyId}/{scope}"), ("X-Amz-Date", amzDate),
            ("X-Amz-Expires", expires.ToString(CultureInfo.InvariantCulture)), ("X-Amz-SignedHeaders", signedHeaders),
        ]);
        var payloadHash = o.PayloadHash ?? ((o.Service ?? service) == "s3" ? "UNSIGNED-PAYLOAD" : Hex(SHA256.HashData(body)));
        var signature = Sign(method, path, parameters, canonicalHeaders, signedHeaders, payloadHash, amzDate, scope, o);
        parameters.Add(("X-Amz-Signature", signature));
        return new RawRequest(method, Target(path, parameters), all, body);
    }

    /// <summary>S3's SigV2 in the Authorization header ("AWS key:signature"); <paramref name="resource"/> is the CanonicalizedResource.</summary>
    public RawRequest SignS3V2Header(Uri endpoint, string method, string path, string resource, IEnumerable<(string Name, string Value)> headers, byte[] body)
    {
        var date = DateTimeOffset.UtcNow.ToString("R", CultureInfo.InvariantCulture);
        var all = new List<(string Name, string Value)> { ("Host", endpoint.Authority), ("Date", date) };
        all.AddRange(headers);
        var signature = S3V2Signature(method, date, resource, all);
        all.Add(("Authorization", $"AWS {accessKeyId}:{signature}"));
        return new RawRequest(method, path, all, body);
    }

    /// <summary>S3's SigV2 query authentication (AWSAccessKeyId, Expires as epoch seconds, Signature).</summary>
    public RawRequest PresignS3V2(Uri endpoint, string method, string path, string resource, long expiresEpoch, byte[] body)
    {
        var expires = expiresEpoch.ToString(CultureInfo.InvariantCulture);
        var signature = S3V2Signature(method, expires, resource, []);
        var query = $"AWSAccessKeyId={accessKeyId}&Expires={expires}&Signature={Uri.EscapeDataString(signature)}";
        return new RawRequest(method, path + "?" + query, [("Host", endpoint.Authority)], body);
    }

    /// <summary>The Query API's Signature Version 2 (HmacSHA256), parameters in a form body.</summary>
    public RawRequest SignQueryV2(Uri endpoint, IEnumerable<(string Name, string Value)> parameters, DateTimeOffset? expires = null)
    {
        var all = parameters.ToList();
        all.AddRange([("AWSAccessKeyId", accessKeyId), ("SignatureVersion", "2"), ("SignatureMethod", "HmacSHA256"), ("Version", "2016-11-15")]);
        all.Add(expires is { } e
            ? ("Expires", e.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            : ("Timestamp", DateTimeOffset.UtcNow.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        var canonical = string.Join('&', all.Select(p => (Name: Encode(p.Name), Value: Encode(p.Value))).OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var stringToSign = $"POST\n{endpoint.Authority.ToLowerInvariant()}\n/\n{canonical}";
        all.Add(("Signature", Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)))));
        return new RawRequest("POST", "/", [("Host", endpoint.Authority), ("Content-Type", "application/x-www-form-urlencoded")],
            Encoding.UTF8.GetBytes(FormBody(all)));
    }

    public static string FormBody(IEnumerable<(string Name, string Value)> parameters) =>
        string.Join('&', parameters.Select(p => $"{Encode(p.Name)}={Encode(p.Value)}"));

    /// <summary>RFC 3986 percent-encoding of everything but unreserved characters, as SigV4 wants it.</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private string S3V2Signature(string method, string date, string resource, List<(string Name, string Value)> headers)
    {
        string Get(string name) => headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value ?? "";
        var amz = headers.Where(h => h.Name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .GroupBy(h => h.Name.ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{string.Join(',', g.Select(h => h.Value.Trim()))}\n");
        var stringToSign = $"{method}\n{Get("Content-MD5")}\n{Get("Content-Type")}\n{date}\n{string.Concat(amz)}{resource}";
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));
    }

    private string Scope(string amzDate, V4Options o) => $"{o.ScopeDate ?? amzDate[..8]}/{o.Region ?? region}/{o.Service ?? service}/aws4_request";

    private static (string Signed, string Canonical) Canonical(List<(string Name, string Value)> headers, IReadOnlyCollection<string> unsigned)
    {
        var groups = headers.Where(h => !unsigned.Contains(h.Name, StringComparer.OrdinalIgnoreCase))
            .GroupBy(h => h.Name.ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
        return (string.Join(';', groups.Select(g => g.Key)),
            string.Concat(groups.Select(g => $"{g.Key}:{string.Join(',', g.Select(h => h.Value.Trim()))}\n")));
    }

    private string Sign(string method, string path, List<(string Name, string Value)> query, string canonicalHeaders, string signedHeaders,
        string payloadHash, string amzDate, string scope, V4Options o)
    {
        var canonicalQuery = string.Join('&', query.Select(p => (Name: Encode(p.Name), Value: Encode(p.Value)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal).Select(p => $"{p.Name}={p.Value}"));
        var canonical = $"{method}\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var parts = scope.Split('/');
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(parts[0]));
        foreach (var part in parts[1..])
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        return Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
    }

    private static string Target(string path, List<(string Name, string Value)> query) =>
        query.Count == 0 ? path : path + "?" + string.Join('&', query.Select(p => $"{Encode(p.Name)}={Encode(p.Value)}"));
}
