using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Ironbark.Clc.Identity;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Plain HTTP to Walrus for what an SDK hides (raw bodies, response headers of errors, Origin and
/// Host headers), signed with SigV4 by this independent test-side implementation, or anonymous.
/// </summary>
public sealed class RawS3Client(Uri endpoint, AccessKey? key, string region = "ironbark") : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = endpoint };

    /// <param name="path">The path as sent on the wire (already percent-encoded), e.g. "/bucket/key".</param>
    /// <param name="query">Query parameters, unencoded; a null value is sent as a bare name ("?acl").</param>
    /// <param name="host">A Host header other than the endpoint's (virtual-hosted-style).</param>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, IEnumerable<(string Name, string? Value)>? query = null,
        byte[]? body = null, IReadOnlyDictionary<string, string>? headers = null, string? host = null)
    {
        var parameters = (query ?? []).ToList();
        var queryText = string.Join('&', parameters.Select(p => p.Value is null ? Encode(p.Name) : $"{Encode(p.Name)}={Encode(p.Value)}"));
        var request = new HttpRequestMessage(method, path + (queryText.Length > 0 ? "?" + queryText : ""));
        var hostHeader = host ?? endpoint.Authority;
        request.Headers.Host = hostHeader;
        if (body is not null)
            request.Content = new ByteArrayContent(body);
        var sent = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            sent[name.ToLowerInvariant()] = value;
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
                (request.Content ??= new ByteArrayContent([])).Headers.ContentType = MediaTypeHeaderValue.Parse(value);
            else if (name.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase))
                (request.Content ??= new ByteArrayContent([])).Headers.TryAddWithoutValidation(name, value);
            else
                request.Headers.TryAddWithoutValidation(name, value);
        }
        if (key is not null)
            Sign(request, method, path, parameters, body ?? [], hostHeader, sent);
        return await _http.SendAsync(request);
    }

    private void Sign(HttpRequestMessage request, HttpMethod method, string path, List<(string Name, string? Value)> parameters, byte[] body,
        string host, SortedDictionary<string, string> headers)
    {
        var now = DateTime.UtcNow;
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var payloadHash = Convert.ToHexStringLower(SHA256.HashData(body));
        headers["host"] = host;
        headers["x-amz-date"] = amzDate;
        headers["x-amz-content-sha256"] = payloadHash;
        request.Headers.TryAddWithoutValidation("x-amz-date", amzDate);
        request.Headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        var canonicalQuery = string.Join('&', parameters
            .Select(p => (Name: Encode(p.Name), Value: Encode(p.Value ?? "")))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));
        var signedHeaders = string.Join(';', headers.Keys);
        var canonicalHeaders = string.Concat(headers.Select(h => $"{h.Key}:{h.Value.Trim()}\n"));
        var canonicalRequest = $"{method.Method}\n{path}\n{canonicalQuery}\n{canonicalHeaders}\n{signedHeaders}\n{payloadHash}";
        var scope = $"{date}/{region}/s3/aws4_request";
        var stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(SigningKey(key!.SecretAccessKey, date, region), Encoding.UTF8.GetBytes(stringToSign)));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={key.AccessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
    }

    /// <summary>The SigV4 signing key for S3 (also what signs a browser POST policy).</summary>
    public static byte[] SigningKey(string secret, string date, string region)
    {
        var k = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secret), Encoding.UTF8.GetBytes(date));
        k = HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region));
        k = HMACSHA256.HashData(k, "s3"u8.ToArray());
        return HMACSHA256.HashData(k, "aws4_request"u8.ToArray());
    }

    /// <summary>RFC 3986 percent-encoding of everything but unreserved characters.</summary>
    public static string Encode(string value) => Uri.EscapeDataString(value);

    public void Dispose() => _http.Dispose();
}
