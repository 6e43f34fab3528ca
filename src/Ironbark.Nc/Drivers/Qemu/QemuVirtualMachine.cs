using System.Diagnostics;

namespace Ironbark.Nc.Drivers.Qemu;

/// <summary>One QEMU process (daemonised, so it outlives a restart of the NC), driven over its QMP socket.</summary>
public sealed class QemuVirtualMachine : IVirtualMachine
{
    private readonly QmpClient _qmp;
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _detached;

    public string InstanceId { get; }
    public int Pid { get; }
    public Task Exited => _exited.Task;

    public QemuVirtualMachine(string instanceId, int pid, QmpClient qmp)
    {
        InstanceId = instanceId;
        Pid = pid;
        _qmp = qmp;
        _ = WatchAsync();
    }

    private async Task WatchAsync()
    {
        await _qmp.Closed;
        // The socket closes as QEMU exits (or when this handle lets go of it, and the VM runs on).
        while (!_detached && IsAlive(Pid))
            await Task.Delay(50);
        if (!_detached)
            _exited.TrySetResult();
    }

    public async Task<string> PowerStateAsync(CancellationToken ct)
    {
        if (Exited.IsCompleted)
            return "shutdown";
        try
        {
            var status = await _qmp.ExecuteAsync("query-status", null, ct);
            return status?["status"]?.GetValue<string>() switch
            {
                "running" => "running",
                "paused" or "suspended" or "prelaunch" or "inmigrate" => "paused",
                "shutdown" => "shutdown",
                "guest-panicked" or "internal-error" or "io-error" => "crashed",
                var other => other ?? "nostate",
            };
        }
        catch (QmpClosedException)
        {
            return "shutdown";
        }
    }

    public Task ResetAsync(CancellationToken ct) => _qmp.ExecuteAsync("system_reset", null, ct);

    public async Task ShutdownAsync(TimeSpan grace, CancellationToken ct)
    {
        if (Exited.IsCompleted)
            return;
        try
        {
            await _qmp.ExecuteAsync("system_powerdown", null, ct);
            if (await Task.WhenAny(Exited, Task.Delay(grace, ct)) == Exited)
                return;
            await _qmp.ExecuteAsync("quit", null, ct);
        }
        catch (QmpClosedException)
        {
        }
        if (await Task.WhenAny(Exited, Task.Delay(TimeSpan.FromSeconds(5), ct)) == Exited)
            return;
        Kill(Pid);
        await Exited.WaitAsync(TimeSpan.FromSeconds(10), ct);
    }

    public static bool IsAlive(int pid)
    {
        // A zombie still has /proc/<pid>, but its state is Z.
        var stat = $"/proc/{pid}/stat";
        try
        {
            var text = File.ReadAllText(stat);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    public static void Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Lets go of the VM: closes the QMP connection and stops watching; the VM keeps running.</summary>
    public ValueTask DisposeAsync()
    {
        _detached = !Exited.IsCompleted;
        return _qmp.DisposeAsync();
    }
}
