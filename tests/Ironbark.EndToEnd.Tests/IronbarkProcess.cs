using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// `ironbark up` (or one component: `clc`, `walrus`) running as a child process on a data directory and
/// loopback ports the kernel picks (port 0, read back from what the binary prints), so parallel test runs
/// never collide. Stopped gracefully with SIGTERM, or killed with SIGKILL; killed on dispose whatever happened.
/// </summary>
public sealed class IronbarkProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private const string S3Line = "S3 (Walrus):";
    private const string Ec2Line = "EC2 (CLC):";
    private const string ClcInternalLine = "CLC internal:";
    // Printed after every endpoint line, by every serving command.
    private const string DataLine = "  Data:";
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IronbarkProcess(Process process) => _process = process;

    /// <summary>The EC2 endpoint `up` printed (before the S3 one).</summary>
    public Uri? Ec2Url { get; private set; }

    /// <summary>The S3 endpoint `up` or `walrus` printed.</summary>
    public Uri S3Url { get; private set; } = null!;

    /// <summary>The CLC's internal gRPC endpoint (identity) `up` or `clc` printed.</summary>
    public Uri? ClcInternalUrl { get; private set; }
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <param name="demoGuest">A build of the test guest for `up --demo-guest` (installed as a public image), or null.</param>
    /// <param name="debianGuest">A build of the Debian guest for `up --debian-guest`, or null.</param>
    public static Task<IronbarkProcess> StartAsync(string dataDir, string? postgres = null, string? demoGuest = null, string? debianGuest = null) =>
        StartCommandAsync(["up", "--data-dir", dataDir, "--clc-listen", "http://127.0.0.1:0", "--clc-internal-listen", "https://127.0.0.1:0",
            "--walrus-listen", "http://127.0.0.1:0", "--cc-listen", "https://127.0.0.1:0", "--nc-listen", "https://127.0.0.1:0", "--accel", "tcg",
            .. postgres is null ? [] : new[] { "--postgres", postgres }, .. demoGuest is null ? [] : new[] { "--demo-guest", demoGuest },
            .. debianGuest is null ? [] : new[] { "--debian-guest", debianGuest }]);

    /// <summary>Runs `ironbark ARGS…` (a serving command) until it has printed its endpoints.</summary>
    public static async Task<IronbarkProcess> StartCommandAsync(string[] commandArgs)
    {
        var info = new ProcessStartInfo(IronbarkBinary.DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args = [IronbarkBinary.DllPath, .. commandArgs];
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ironbark = new IronbarkProcess(process);
        process.OutputDataReceived += (_, e) => ironbark.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => ironbark.OnLine(e.Data);
        process.Exited += (_, _) => ironbark._ready.TrySetException(new InvalidOperationException($"ironbark {commandArgs[0]} exited early:\n{ironbark.Output}"));
        process.Start();
        ChildProcesses.Track(process);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ironbark._ready.Task.WaitAsync(StartTimeout);
        }
        catch
        {
            await ironbark.DisposeAsync();
            throw;
        }
        return ironbark;
    }

    private void OnLine(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
        var ec2 = line.IndexOf(Ec2Line, StringComparison.Ordinal);
        if (ec2 >= 0)
            Ec2Url = new Uri(line[(ec2 + Ec2Line.Length)..].Trim());
        var at = line.IndexOf(S3Line, StringComparison.Ordinal);
        if (at >= 0)
            S3Url = new Uri(line[(at + S3Line.Length)..].Trim());
        var clc = line.IndexOf(ClcInternalLine, StringComparison.Ordinal);
        if (clc >= 0)
            ClcInternalUrl = new Uri(line[(clc + ClcInternalLine.Length)..].Trim().Split(' ')[0]);
        if (line.StartsWith(DataLine, StringComparison.Ordinal))
            _ready.TrySetResult();
    }

    /// <summary>
    /// Sends SIGTERM (as systemd does), or SIGINT (Ctrl-C) when <paramref name="interrupt"/>, and waits
    /// for the exit; returns the exit code, or throws if it takes longer than <paramref name="timeout"/>.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan timeout, bool interrupt = false)
    {
        if (kill(_process.Id, interrupt ? SIGINT : SIGTERM) != 0)
            throw new InvalidOperationException($"kill {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"ironbark did not exit within {timeout} of SIGTERM:\n{Output}");
        }
        ChildProcesses.Forget(_process);
        return _process.ExitCode;
    }

    /// <summary>kill -9: no chance to flush, close or clean up anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
        ChildProcesses.Forget(_process);
    }

    public async ValueTask DisposeAsync()
    {
        ChildProcesses.KillQuietly(_process);
        await _process.WaitForExitAsync();
        ChildProcesses.Forget(_process);
        _process.Dispose();
    }

    private const int SIGINT = 2;
    private const int SIGTERM = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
