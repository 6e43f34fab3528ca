using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;

namespace Ironbark.Auth.Tests;

/// <summary>A request exactly as it goes on the wire: nothing is normalised, so it can carry what no HTTP client would send.</summary>
public sealed record RawRequest(string Method, string Target, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body)
{
    public RawRequest WithHeaders(IEnumerable<(string Name, string Value)> headers) => this with { Headers = [.. headers] };

    public RawRequest WithHeader(string name, string value) => this with { Headers = [.. Headers, (name, value)] };

    public string? Header(string name) => Headers.FirstOrDefault(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>An answer as it came back: status, headers and body, with the AWS error code when the body is an error document.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public XElement? Xml => Body.StartsWith('<') ? XElement.Parse(Body) : null;

    /// <summary>The Code of an S3 (Error/Code) or EC2 (Response/Errors/Error/Code) error document.</summary>
    public string? ErrorCode => Xml?.Descendants("Code").FirstOrDefault()?.Value;

    public string? Detail(string name) => Xml?.Descendants(name).FirstOrDefault()?.Value;

    public override string ToString() => $"{Status} {Body}";
}

/// <summary>HTTP/1.1 over a raw loopback socket, one connection per request (Connection: close).</summary>
public static class RawHttp
{
    public static async Task<RawResponse> SendAsync(Uri endpoint, RawRequest request, CancellationToken ct = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        await using var stream = tcp.GetStream();
        var head = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\n");
        foreach (var (name, value) in request.Headers)
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("Content-Length: ").Append(request.Body.Length).Append("\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(Encoding.UTF8.GetBytes(head.ToString()), timeout.Token);
        await stream.WriteAsync(request.Body, timeout.Token);
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException) when (received.Length > 0)
        {
            // A server that answers early and resets the connection: what it answered is what counts.
        }
        return Parse(received.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var end = bytes.AsSpan().IndexOf("\r\n\r\n"u8);
        if (end < 0)
            throw new InvalidOperationException($"No HTTP answer: '{Encoding.UTF8.GetString(bytes)}'");
        var lines = Encoding.UTF8.GetString(bytes, 0, end).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        // An interim answer (100 Continue to a mutated Expect header) precedes the real one.
        if (status is >= 100 and < 200)
            return Parse(bytes[(end + 4)..]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        var body = bytes[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked"))
            body = Dechunk(body);
        return new RawResponse(status, headers, Encoding.UTF8.GetString(body));
    }

    private static byte[] Dechunk(byte[] body)
    {
        using var result = new MemoryStream();
        var pos = 0;
        while (pos < body.Length)
        {
            var lineEnd = pos + body.AsSpan(pos).IndexOf("\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString(body, pos, lineEnd - pos).Split(';')[0], 16);
            if (size == 0)
                break;
            result.Write(body, lineEnd + 2, size);
            pos = lineEnd + 2 + size + 2;
        }
        return result.ToArray();
    }
}
