using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// One of the cloud's own endpoints inside a VPC namespace: every connection a guest makes to the socket (listening in
/// the namespace, see NamespaceSocket) is relayed byte for byte to the target, an address in the NC's own namespace
/// (the CLC's or Walrus's loopback listener). No route leads from the VPC to the host; only the NC's process connects.
/// </summary>
internal sealed class EndpointRelay : IAsyncDisposable
{
    private readonly Socket _listening;
    private readonly Func<string?> _target;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private EndpointRelay(Socket listening, Func<string?> target, ILogger log)
    {
        _listening = listening;
        _target = target;
        _log = log;
        _accepting = Task.Run(AcceptAsync);
    }

    /// <param name="target">The URL (or host:port) to relay to, asked for at each connection; null refuses the connection.</param>
    public static EndpointRelay Start(Socket listening, Func<string?> target, ILogger log) => new(listening, target, log);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket guest;
            try
            {
                guest = await _listening.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(guest);
        }
    }

    private async Task RelayAsync(Socket guest)
    {
        using (guest)
        {
            if (!TryEndpoint(_target(), out var host, out var port))
                return;
            using var upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            guest.NoDelay = true;
            try
            {
                await upstream.ConnectAsync(host, port, _stop.Token);
                await Task.WhenAll(PumpAsync(guest, upstream), PumpAsync(upstream, guest));
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                _log.LogDebug("Relay to {Host}:{Port} ended: {Error}", host, port, e.Message);
            }
        }
    }

    /// <summary>Copies one direction until its end, then passes the end on (a half close), so request-then-close clients work.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
        try
        {
            to.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
        }
    }

    /// <summary>host and port of "http://127.0.0.1:8773" or "127.0.0.1:8773".</summary>
    public static bool TryEndpoint(string? target, out string host, out int port)
    {
        host = "";
        port = 0;
        if (string.IsNullOrEmpty(target))
            return false;
        if (!Uri.TryCreate(target.Contains("://", StringComparison.Ordinal) ? target : "tcp://" + target, UriKind.Absolute, out var url) || url.Port <= 0)
            return false;
        host = url.Host;
        port = url.Port;
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listening.Dispose();
        await _accepting;
        _stop.Dispose();
    }
}
