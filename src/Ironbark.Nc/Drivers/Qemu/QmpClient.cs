using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ironbark.Nc.Drivers.Qemu;

/// <summary>
/// A QEMU Machine Protocol connection: JSON lines over the VM's unix socket. Commands are matched
/// to their answers by id; events are passed to <see cref="EventReceived"/>; <see cref="Closed"/>
/// completes when QEMU closes the socket, which is how a VM's death is noticed at once.
/// </summary>
public sealed class QmpClient : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonNode?>> _pending = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    public event Action<string, JsonNode?>? EventReceived;

    public Task Closed => _closed.Task;

    private QmpClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects, reads the greeting and enters command mode; retries while the socket is not there yet.</summary>
    public static async Task<QmpClient> ConnectAsync(string socketPath, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                var client = new QmpClient(socket);
                // QEMU serves one QMP client at a time: while another holds the socket, no greeting comes.
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(ct);
                handshake.CancelAfter(TimeSpan.FromSeconds(5));
                try
                {
                    await client.HandshakeAsync(handshake.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await client.DisposeAsync();
                    throw new IOException($"QEMU did not greet on {socketPath}: another client may hold its QMP socket.");
                }
                return client;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                socket.Dispose();
                await Task.Delay(50, ct);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private async Task HandshakeAsync(CancellationToken ct)
    {
        var reader = new StreamReader(_stream, Encoding.UTF8, false, 4096, leaveOpen: true);
        var greeting = await reader.ReadLineAsync(ct);
        if (greeting is null || !greeting.Contains("\"QMP\""))
            throw new IOException("QEMU did not greet with QMP.");
        _ = ReadLoopAsync(reader);
        await ExecuteAsync("qmp_capabilities", null, ct);
    }

    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments, CancellationToken ct)
    {
        var id = Interlocked.Increment(ref _nextId);
        var pending = new TaskCompletionSource<JsonNode?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = pending;
        var message = new JsonObject { ["execute"] = command, ["id"] = id };
        if (arguments is not null)
            message["arguments"] = arguments;
        var bytes = Encoding.UTF8.GetBytes(message.ToJsonString() + "\n");
        await _writeLock.WaitAsync(ct);
        try
        {
            await _stream.WriteAsync(bytes, ct);
        }
        catch (IOException)
        {
            _pending.TryRemove(id, out _);
            throw new QmpClosedException();
        }
        finally
        {
            _writeLock.Release();
        }
        await using var registration = ct.Register(() => pending.TrySetCanceled(ct));
        return await pending.Task;
    }

    private async Task ReadLoopAsync(StreamReader reader)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.Length == 0)
                    continue;
                var node = JsonNode.Parse(line);
                if (node?["event"]?.GetValue<string>() is { } name)
                {
                    EventReceived?.Invoke(name, node["data"]);
                    continue;
                }
                if (node?["id"] is { } idNode && _pending.TryRemove(idNode.GetValue<long>(), out var waiter))
                {
                    if (node["error"] is { } error)
                        waiter.TrySetException(new IOException($"QMP error: {error["desc"]}"));
                    else
                        waiter.TrySetResult(node["return"]);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or JsonException or SocketException)
        {
        }
        finally
        {
            foreach (var waiter in _pending.Values)
                waiter.TrySetException(new QmpClosedException());
            _pending.Clear();
            _closed.TrySetResult();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _writeLock.Dispose();
    }
}

/// <summary>The QMP connection ended: QEMU has exited or is exiting.</summary>
public sealed class QmpClosedException() : IOException("The QMP connection is closed; QEMU has exited.");
