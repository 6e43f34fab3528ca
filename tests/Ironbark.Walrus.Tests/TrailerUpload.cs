using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ironbark.Clc.Identity;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Hand-made aws-chunked uploads with trailing headers, signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: chained
/// chunk signatures and a trailer signature) or unsigned (STREAMING-UNSIGNED-PAYLOAD-TRAILER), written from the AWS
/// documentation of SigV4 streaming trailers, independently of the server's decoder.
/// </summary>
public static class TrailerUpload
{
    public const string Signed = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string Unsigned = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
    private const string Region = "ironbark";

    /// <summary>The signed request (no body yet) and the parts of its body, each chunk and the trailer signed in turn.</summary>
    /// <param name="pathAndQuery">The PUT target, already encoded (a PutObject or an UploadPart).</param>
    /// <param name="trailers">The trailing headers sent after the last chunk, in order.</param>
    /// <param name="declared">The x-amz-trailer header (none when null).</param>
    /// <param name="headers">More headers to sign and send (x-amz-checksum-*, x-amz-sdk-checksum-algorithm…).</param>
    public static (HttpRequestMessage Message, ChunkedBody Body) Sign(RawS3 raw, AccessKey key, string pathAndQuery, byte[] data, bool signed,
        IReadOnlyList<(string Name, string Value)> trailers, string? declared, int chunkSize = 8192,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var when = DateTimeOffset.UtcNow;
        var request = new RawS3.Request(HttpMethod.Put, pathAndQuery) { Time = when };
        request.Headers["content-encoding"] = "aws-chunked";
        request.Headers["x-amz-decoded-content-length"] = data.Length.ToString(CultureInfo.InvariantCulture);
        if (declared is not null)
            request.Headers["x-amz-trailer"] = declared;
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers[name] = value;
        var (message, seed) = raw.SignV4(request, signed ? Signed : Unsigned);

        var amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var scope = $"{amzDate[..8]}/{Region}/s3/aws4_request";
        var signingKey = RawS3Client.SigningKey(key.SecretAccessKey, amzDate[..8], Region);
        string Hmac(string stringToSign) => RawS3.Hex(HMACSHA256.HashData(signingKey, Encoding.UTF8.GetBytes(stringToSign)));

        var previous = seed;
        var body = ChunkedBody.Of(data, chunkSize,
            signed ? chunk => previous = Hmac($"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{previous}\n{RawS3.Hex(SHA256.HashData([]))}\n{RawS3.Hex(SHA256.HashData(chunk))}") : null,
            trailers,
            signed ? canonical => Hmac($"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{previous}\n{RawS3.Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}") : null);
        return (message, body);
    }

    /// <summary>The request of <see cref="Sign"/> with its body written whole.</summary>
    public static HttpRequestMessage Build(RawS3 raw, AccessKey key, string pathAndQuery, byte[] data, bool signed,
        IReadOnlyList<(string Name, string Value)> trailers, string? declared, int chunkSize = 8192,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        var (message, body) = Sign(raw, key, pathAndQuery, data, signed, trailers, declared, chunkSize, headers);
        return WithBody(message, body.ToArray());
    }

    /// <summary>Sets a (possibly broken) aws-chunked body on a signed request.</summary>
    public static HttpRequestMessage WithBody(HttpRequestMessage message, byte[] body)
    {
        message.Content = new ByteArrayContent(body);
        message.Content.Headers.TryAddWithoutValidation("Content-Encoding", "aws-chunked");
        return message;
    }
}
