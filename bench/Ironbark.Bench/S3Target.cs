using System.Net;
using System.Xml;

namespace Ironbark.Bench;

/// <summary>
/// An S3 server driven by a lean SigV4 client over HttpClient, the same for every server. Not
/// AWSSDK.S3: over plain HTTP the SDK refuses UNSIGNED-PAYLOAD and either hashes every body
/// (a second pass on the client) or sends aws-chunked bodies, which s3rver cannot decode.
/// </summary>
public sealed class S3Target(string name, int? pid, Uri endpoint, string accessKey, string secretKey, string region) : ILoadTarget, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
    })
    {
        BaseAddress = endpoint,
        Timeout = TimeSpan.FromMinutes(5),
    };
    private readonly SigV4Signer _signer = new(accessKey, secretKey, region);

    public string Name => name;
    public int? Pid => pid;
    public Uri Endpoint => endpoint;
    public bool CanList => true;

    public async Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, bucket, null, ct);
    }

    public async Task PutAsync(string bucket, string key, long size, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, $"{bucket}/{key}", new GeneratedContent(size), ct);
    }

    /// <summary>A PUT with extra request headers (x-amz-server-side-encryption for the SSE comparison).</summary>
    public async Task PutAsync(string bucket, string key, long size, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Put, $"{bucket}/{key}", new GeneratedContent(size), ct, headers);
    }

    /// <summary>Uploads a local file as one object.</summary>
    public async Task PutFileAsync(string bucket, string key, string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        using var response = await SendAsync(HttpMethod.Put, $"{bucket}/{key}", new StreamContent(file) { Headers = { ContentLength = file.Length } }, ct);
    }

    public async Task<long> GetAsync(string bucket, string key, byte[] buffer, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"{bucket}/{key}", null, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
            total += read;
        return total;
    }

    public async Task<int> ListAsync(string bucket, CancellationToken ct)
    {
        var count = 0;
        string? token = null;
        do
        {
            var query = "?list-type=2&max-keys=1000" + (token is null ? "" : "&continuation-token=" + Uri.EscapeDataString(token));
            using var response = await SendAsync(HttpMethod.Get, bucket + query, null, ct);
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            (var keys, token) = await CountKeysAsync(body);
            count += keys;
        }
        while (token is not null);
        return count;
    }

    public async Task DeleteAsync(string bucket, string key, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"{bucket}/{key}", null, ct);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>
    /// Sends one request. A request without a body that gets a 5xx is sent again, at most twice (s3rver 3.7 now and
    /// then answers a listing under load with InternalError); each retry is logged, and its time counts in the phase.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string target, HttpContent? content, CancellationToken ct,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, new Uri(endpoint, target)) { Content = content };
            foreach (var (header, value) in headers ?? new Dictionary<string, string>())
                request.Headers.Add(header, value);
            _signer.Sign(request);
            var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.IsSuccessStatusCode)
                return response;
            var error = await response.Content.ReadAsStringAsync(ct);
            response.Dispose();
            var message = $"{name}: {method} {target} answered {(int)response.StatusCode}: {error}";
            if (content is not null || (int)response.StatusCode < 500 || attempt == 3)
                throw new HttpRequestException(message);
            Console.Error.WriteLine(message + " (sent again)");
        }
    }

    /// <summary>Counts the Contents entries of a ListObjectsV2 page and returns its continuation token, if truncated.</summary>
    private static async Task<(int Keys, string? Next)> CountKeysAsync(Stream body)
    {
        using var xml = XmlReader.Create(body, new XmlReaderSettings { Async = true, IgnoreWhitespace = true });
        int keys = 0;
        string? next = null;
        var truncated = false;
        await xml.ReadAsync();
        while (!xml.EOF)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "IsTruncated")
                truncated = await xml.ReadElementContentAsStringAsync() == "true";
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "NextContinuationToken")
                next = await xml.ReadElementContentAsStringAsync();
            else
            {
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Key")
                    keys++;
                await xml.ReadAsync();
            }
        }
        return (keys, truncated ? next : null);
    }
}
