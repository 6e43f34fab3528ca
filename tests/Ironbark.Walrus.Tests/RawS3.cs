using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// An S3 client on a bare HttpClient for the requests the SDK will not make (bad signatures,
/// skewed clocks, hand-made aws-chunked bodies, SigV2). Its SigV4 and SigV2 signing is written
/// here from the AWS documentation, independently of the server's own code.
/// </summary>
public sealed class RawS3(Uri endpoint, string accessKeyId, string secret, string region = "ironbark") : IDisposable
{
    public const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    // S3 header values are UTF-8 (x-amz-meta-*), both ways.
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        ResponseHeaderEncodingSelector = (_, _) => Encoding.UTF8,
    }) { BaseAddress = endpoint };

    public Uri Endpoint => endpoint;

    /// <summary>A request to sign and send; path and query are given already URI-encoded.</summary>
    public sealed class Request(HttpMethod method, string pathAndQuery)
    {
        public HttpMethod Method { get; } = method;
        public string PathAndQuery { get; } = pathAndQuery;
        public byte[]? Body { get; set; }
        public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
        /// <summary>The x-amz-content-sha256 to sign; the SHA-256 of the body when null.</summary>
        public string? PayloadHash { get; set; }
        public DateTimeOffset? Time { get; set; }
        public string? Secret { get; set; }
        public string? AccessKeyId { get; set; }
        /// <summary>The Host header to send and sign (virtual-hosted-style requests); the endpoint's when null.</summary>
        public string? Host { get; set; }
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body = null) =>
        SendAsync(new Request(method, pathAndQuery) { Body = body });

    public async Task<HttpResponseMessage> SendAsync(Request r)
    {
        var (message, _) = SignV4(r);
        return await _http.SendAsync(message);
    }

    /// <summary>Signs a request with SigV4 in the Authorization header; returns the message and its seed signature.</summary>
    public (HttpRequestMessage Message, string Signature) SignV4(Request r, string? payloadHash = null)
    {
        var when = (r.Time ?? DateTimeOffset.UtcNow).UtcDateTime;
        var amzDate = when.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var hash = payloadHash ?? r.PayloadHash ?? Hex(SHA256.HashData(r.Body ?? []));
        var headers = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = r.Host ?? endpoint.Authority,
            ["x-amz-date"] = amzDate,
            ["x-amz-content-sha256"] = hash,
        };
        foreach (var (name, value) in r.Headers)
            headers[name.ToLowerInvariant()] = value.Trim();
        var (path, query) = Split(r.PathAndQuery);
        var signedHeaders = string.Join(';', headers.Keys);
        var canonical = $"{r.Method.Method}\n{path}\n{CanonicalQuery(query)}\n{string.Concat(headers.Select(h => $"{h.Key}:{h.Value}\n"))}\n{signedHeaders}\n{hash}";
        var scope = $"{date}/{region}/s3/aws4_request";
        var key = SigningKey(r.Secret ?? secret, date);
        var signature = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}")));
        var message = new HttpRequestMessage(r.Method, r.PathAndQuery);
        message.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={r.AccessKeyId ?? accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}");
        foreach (var (name, value) in headers.Where(h => h.Key != "host"))
            AddHeader(message, name, value);
        if (r.Host is not null)
            message.Headers.Host = r.Host;
        if (r.Body is not null && message.Content is null)
            message.Content = new ByteArrayContent(r.Body);
        if (r.Body is not null)
            foreach (var (name, value) in headers.Where(h => IsContentHeader(h.Key)))
                message.Content!.Headers.TryAddWithoutValidation(name, value);
        return (message, signature);
    }

    /// <summary>A signed aws-chunked upload (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) of <paramref name="data"/> in chunks of <paramref name="chunkSize"/>.</summary>
    /// <param name="tamper">Replaces the signature sent with chunk i (given the right one).</param>
    /// <param name="declaredLength">The x-amz-decoded-content-length to claim; the data's length when null.</param>
    public HttpRequestMessage StreamingPut(string path, byte[] data, int chunkSize, Func<int, string, string>? tamper = null, long? declaredLength = null)
    {
        var request = new Request(HttpMethod.Put, path);
        request.Headers["content-encoding"] = "aws-chunked";
        request.Headers["x-amz-decoded-content-length"] = (declaredLength ?? data.Length).ToString(CultureInfo.InvariantCulture);
        var when = DateTimeOffset.UtcNow;
        request.Time = when;
        var chunks = new List<byte[]>();
        for (var offset = 0; offset < data.Length; offset += chunkSize)
            chunks.Add(data[offset..Math.Min(data.Length, offset + chunkSize)]);
        chunks.Add([]);
        var body = new MemoryStream();
        var (message, seed) = SignV4(request, StreamingPayload);
        var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/{region}/s3/aws4_request";
        var key = SigningKey(secret, amzDate[..8]);
        var previous = seed;
        for (var i = 0; i < chunks.Count; i++)
        {
            var stringToSign = $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{Hex(SHA256.HashData([]))}\n{Hex(SHA256.HashData(chunks[i]))}";
            previous = Hex(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(stringToSign)));
            var sent = tamper?.Invoke(i, previous) ?? previous;
            body.Write(Encoding.ASCII.GetBytes($"{chunks[i].Length:x};chunk-signature={sent}\r\n"));
            body.Write(chunks[i]);
            body.Write("\r\n"u8);
        }
        message.Content = new ByteArrayContent(body.ToArray());
        message.Content.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        return message;
    }

    /// <summary>A presigned SigV4 URL, signed at <paramref name="when"/> and valid for <paramref name="expires"/>.</summary>
    public string PresignV4(string method, string path, DateTimeOffset when, TimeSpan expires)
    {
        var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/{region}/s3/aws4_request";
        var query = $"X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={Uri.EscapeDataString($"{accessKeyId}/{scope}")}&X-Amz-Date={amzDate}" +
                    $"&X-Amz-Expires={(long)expires.TotalSeconds}&X-Amz-SignedHeaders=host";
        var canonical = $"{method}\n{path}\n{CanonicalQuery(query)}\nhost:{endpoint.Authority}\n\nhost\nUNSIGNED-PAYLOAD";
        var signature = Hex(HMACSHA256.HashData(SigningKey(secret, amzDate[..8]),
            Encoding.UTF8.GetBytes($"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}")));
        return $"{endpoint.ToString().TrimEnd('/')}{path}?{query}&X-Amz-Signature={signature}";
    }

    /// <summary>SigV2 header authentication: HMAC-SHA1 over method, Content-MD5, Content-Type, Date, x-amz-* headers and the resource.</summary>
    /// <param name="resource">The CanonicalizedResource when it differs from the path (virtual-hosted-style: /bucket/key).</param>
    public HttpRequestMessage SignV2(HttpMethod method, string path, byte[]? body = null, string contentType = "", string? secretOverride = null,
        string? resource = null, DateTimeOffset? time = null)
    {
        var date = (time ?? DateTimeOffset.UtcNow).ToString("R", CultureInfo.InvariantCulture);
        var signature = V2Signature(secretOverride ?? secret, $"{method.Method}\n\n{contentType}\n{date}\n{resource ?? path}");
        var message = new HttpRequestMessage(method, path);
        message.Headers.TryAddWithoutValidation("Date", date);
        message.Headers.TryAddWithoutValidation("Authorization", $"AWS {accessKeyId}:{signature}");
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            if (contentType.Length > 0)
                message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return message;
    }

    /// <summary>A SigV2 query-string (presigned) GET URL.</summary>
    public string PresignV2(string path, DateTimeOffset expires) => PresignV2("GET", path, expires, path);

    /// <summary>A SigV2 query-string URL for <paramref name="path"/>, its signature computed over <paramref name="resource"/>.</summary>
    public string PresignV2(string method, string path, DateTimeOffset expires, string resource)
    {
        var epoch = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = V2Signature(secret, $"{method}\n\n\n{epoch}\n{resource}");
        var separator = path.Contains('?') ? '&' : '?';
        return $"{endpoint.ToString().TrimEnd('/')}{path}{separator}AWSAccessKeyId={accessKeyId}&Expires={epoch}&Signature={Uri.EscapeDataString(signature)}";
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage message) => _http.SendAsync(message);

    private static string V2Signature(string secret, string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));

    private byte[] SigningKey(string secretKey, string date)
    {
        var key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        foreach (var part in new[] { region, "s3", "aws4_request" })
            key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(part));
        return key;
    }

    private static (string Path, string Query) Split(string pathAndQuery)
    {
        var q = pathAndQuery.IndexOf('?');
        return q < 0 ? (pathAndQuery, "") : (pathAndQuery[..q], pathAndQuery[(q + 1)..]);
    }

    /// <summary>The query as AWS canonicalises it; the test's queries are already encoded the AWS way.</summary>
    private static string CanonicalQuery(string query) =>
        string.Join('&', query.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Contains('=') ? p : p + "=")
            .OrderBy(p => p[..p.IndexOf('=')], StringComparer.Ordinal).ThenBy(p => p, StringComparer.Ordinal));

    private static bool IsContentHeader(string name) => name is "content-md5" or "content-type" or "content-encoding" or "content-disposition" or "content-language" or "expires";

    private static void AddHeader(HttpRequestMessage message, string name, string value)
    {
        if (!IsContentHeader(name))
            message.Headers.TryAddWithoutValidation(name, value);
    }

    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public void Dispose() => _http.Dispose();
}
