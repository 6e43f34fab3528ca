using System.Net.Sockets;
using System.Text;

namespace Ironbark.Bench.Nc;

/// <summary>
/// The baseline's stand-in for the metadata service: a trivial HTTP/1.0 answer on a unix socket,
/// reached from the guest the way the NC's VMs reach the NC (QEMU guestfwd → socat → socket).
/// It answers the instance id and a user-data that is not a script; everything else is 404.
/// </summary>
public sealed class MetadataResponder : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MetadataResponder(string socketPath)
    {
        SocketPath = socketPath;
        File.Delete(socketPath);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _listener.Listen(16);
        _loop = AcceptLoopAsync();
    }

    public string SocketPath { get; }

    /// <summary>What /latest/meta-data/instance-id answers; set before each baseline boot.</summary>
    public string InstanceId { get; set; } = "";

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptAsync(_stop.Token);
                _ = AnswerAsync(client);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task AnswerAsync(Socket client)
    {
        using var _ = client;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            var request = new StringBuilder();
            var buffer = new byte[4096];
            while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await client.ReceiveAsync(buffer, timeout.Token);
                if (read == 0)
                    return;
                request.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
            var path = request.ToString().Split(' ', 3) is [_, var p, _] ? p : "";
            var (status, body) = path switch
            {
                "/latest/meta-data/instance-id" => ("200 OK", InstanceId),
                "/latest/user-data" => ("200 OK", NcLaunchRequest.UserData),
                _ => ("404 Not Found", "Not Found"),
            };
            var response = $"HTTP/1.0 {status}\r\nContent-Type: text/plain\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
            await client.SendAsync(Encoding.UTF8.GetBytes(response), timeout.Token);
            client.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        await _loop;
        _stop.Dispose();
        File.Delete(SocketPath);
    }
}
