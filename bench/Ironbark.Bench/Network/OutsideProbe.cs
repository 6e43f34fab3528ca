using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Ironbark.Bench.Network;

/// <summary>
/// TCP probes from a network namespace (the lab's "outside" host) while the benchmark stays in its own: each probe's socket
/// is made by a short thread that enters the namespace (setns) and goes back; a socket keeps the namespace it was made in.
/// </summary>
internal sealed class OutsideProbe(string ns)
{
    private const int CloneNewNet = 0x40000000;

    /// <summary>
    /// How often a probe starts while waiting for a change, and how long one waits for its answer: long enough for a TCG
    /// guest on a loaded machine to answer, shorter than the first SYN retransmission (1 s), so a probe's answer is to its first SYN.
    /// </summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);
    public static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(900);

    /// <summary>Consecutive probes (by start) that must agree before a change counts as seen, so one slow answer is not a close.</summary>
    public const int Agreeing = 3;

    /// <summary>
    /// True when <paramref name="target"/>'s host answers a connect within <see cref="Timeout"/>, accepting it or refusing it:
    /// either way the SYN went through the filters and an answer came back. A dropped SYN is no answer.
    /// </summary>
    public async Task<bool> AnswersAsync(IPEndPoint target, CancellationToken ct)
    {
        using var socket = await SocketAsync();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(Timeout);
        try
        {
            await socket.ConnectAsync(target, limit.Token);
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
        {
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>The first line the server at <paramref name="target"/> sends (the guest's own answer, end to end), or null within 10 s.</summary>
    public async Task<string?> GreetingAsync(IPEndPoint target, CancellationToken ct)
    {
        using var socket = await SocketAsync();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            await socket.ConnectAsync(target, limit.Token);
            var buffer = new byte[256];
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, n).Split('\n')[0];
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Probes <paramref name="target"/> every <see cref="Interval"/> until <see cref="Agreeing"/> probes in a row see it
    /// <paramref name="open"/>; returns when the first of them started (on <paramref name="since"/>), or null after <paramref name="limit"/>.
    /// </summary>
    public async Task<TimeSpan?> SeenAsync(IPEndPoint target, bool open, Stopwatch since, TimeSpan limit, CancellationToken ct)
    {
        var probes = new List<(TimeSpan Start, Task<bool> Answer)>();
        try
        {
            while (since.Elapsed < limit + Timeout)
            {
                if (since.Elapsed < limit)
                    probes.Add((since.Elapsed, AnswersAsync(target, ct)));
                var run = 0;
                for (var i = 0; i < probes.Count && probes[i].Answer.IsCompleted; i++)
                {
                    run = probes[i].Answer.Result == open ? run + 1 : 0;
                    if (run == Agreeing)
                        return probes[i - Agreeing + 1].Start;
                }
                await Task.Delay(Interval, ct);
            }
            return null;
        }
        finally
        {
            await Task.WhenAll(probes.Select(p => p.Answer.ContinueWith(_ => { }, TaskScheduler.Default)));
        }
    }

    private Task<Socket> SocketAsync()
    {
        var done = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                done.SetResult(SocketIn());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }) { IsBackground = true, Name = "netns " + ns }.Start();
        return done.Task;
    }

    private Socket SocketIn()
    {
        using var own = File.OpenHandle("/proc/thread-self/ns/net");
        using var target = File.OpenHandle(Path.Combine("/run/netns", ns));
        if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0)
            throw new IOException($"setns into network namespace {ns} failed: errno {Marshal.GetLastPInvokeError()}");
        try
        {
            return new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        }
        finally
        {
            if (SetNs((int)own.DangerousGetHandle(), CloneNewNet) != 0)
                Environment.FailFast($"setns back from network namespace {ns} failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
