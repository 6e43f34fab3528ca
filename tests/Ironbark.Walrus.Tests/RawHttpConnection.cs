using System.Net.Sockets;
using System.Text;

namespace Ironbark.Walrus.Tests;

/// <summary>One keep-alive HTTP/1.1 connection on a bare socket: what was sent is exactly what Walrus reads, in order.</summary>
public sealed class RawHttpConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream _stream = null!;
    private readonly List<byte> _pending = [];

    public sealed record Response(int Status, Dictionary<string, string> Headers, string Body)
    {
        public bool Closes => Headers.TryGetValue("Connection", out var value) && value.Contains("close", StringComparison.OrdinalIgnoreCase);
    }

    public static async Task<RawHttpConnection> OpenAsync(Uri endpoint)
    {
        var connection = new RawHttpConnection();
        await connection._tcp.ConnectAsync(endpoint.Host, endpoint.Port);
        connection._stream = connection._tcp.GetStream();
        return connection;
    }

    public Task SendAsync(string head, CancellationToken ct = default) => SendAsync(Encoding.ASCII.GetBytes(head), ct);

    public async Task SendAsync(byte[] bytes, CancellationToken ct = default) => await _stream.WriteAsync(bytes, ct);

    /// <summary>Reads one response (a Content-Length body, or none), or null when the server closed the connection first.</summary>
    public async Task<Response?> ReadResponseAsync(string method = "GET", CancellationToken ct = default)
    {
        var headEnd = -1;
        while ((headEnd = IndexOfHeadEnd()) < 0)
            if (!await FillAsync(ct))
                return null;
        var head = Encoding.ASCII.GetString(_pending.GetRange(0, headEnd).ToArray()).Split("\r\n");
        _pending.RemoveRange(0, headEnd + 4);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
            headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].Trim();
        var length = method == "HEAD" || !headers.TryGetValue("Content-Length", out var text) ? 0 : int.Parse(text);
        while (_pending.Count < length)
            if (!await FillAsync(ct))
                return null;
        var body = Encoding.UTF8.GetString(_pending.GetRange(0, length).ToArray());
        _pending.RemoveRange(0, length);
        return new Response(int.Parse(head[0].Split(' ')[1]), headers, body);
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        var read = await _stream.ReadAsync(buffer, ct);
        _pending.AddRange(buffer.AsSpan(0, read).ToArray());
        return read > 0;
    }

    private int IndexOfHeadEnd()
    {
        for (var i = 0; i + 3 < _pending.Count; i++)
            if (_pending[i] == '\r' && _pending[i + 1] == '\n' && _pending[i + 2] == '\r' && _pending[i + 3] == '\n')
                return i;
        return -1;
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
