using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Bench.Scale;

/// <summary>
/// An EC2 Query call over plain HTTP, signed with SigV4 and read to its last byte but not parsed:
/// with the SDK's column beside it, it tells the CLC's answer time from the SDK's parsing of it.
/// </summary>
public sealed class RawEc2Query(Uri endpoint, string accessKeyId, string secretKey, string region) : IDisposable
{
    private readonly HttpClient _http = new();

    /// <summary>Calls the action; returns the size of the answer.</summary>
    public async Task<int> CallAsync(string action, CancellationToken ct)
    {
        var body = $"Action={action}&Version=2016-11-15";
        var now = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{now[..8]}/{region}/ec2/aws4_request";
        var host = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}";
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var payloadHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var canonical = $"POST\n/\n\ncontent-type:{contentType}\nhost:{host}\nx-amz-date:{now}\n\ncontent-type;host;x-amz-date\n{payloadHash}";
        var toSign = $"AWS4-HMAC-SHA256\n{now}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), now[..8]), region), "ec2"), "aws4_request");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint, "/"))
        {
            Content = new StringContent(body, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("x-amz-date", now);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={Hex(Hmac(key, toSign))}");
        using var response = await _http.SendAsync(request, ct);
        var answer = await response.Content.ReadAsByteArrayAsync(ct);
        return response.IsSuccessStatusCode ? answer.Length : throw new InvalidOperationException($"{action}: {(int)response.StatusCode} {Encoding.UTF8.GetString(answer)}");
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    public void Dispose() => _http.Dispose();
}
