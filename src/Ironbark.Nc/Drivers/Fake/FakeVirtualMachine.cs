namespace Ironbark.Nc.Drivers.Fake;

/// <summary>A VM of the fake driver: running from its launch until it is shut down; no process behind it (Pid 0).</summary>
public sealed class FakeVirtualMachine(string instanceId) : IVirtualMachine
{
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string InstanceId => instanceId;
    public int Pid => 0;
    public Task Exited => _exited.Task;

    public Task<string> PowerStateAsync(CancellationToken ct) => Task.FromResult(Exited.IsCompleted ? "shutdown" : "running");

    public Task ResetAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Ends at once: there is no guest to wait for, so the grace period does not apply.</summary>
    public Task ShutdownAsync(TimeSpan grace, CancellationToken ct)
    {
        _exited.TrySetResult();
        return Task.CompletedTask;
    }

    /// <summary>Like a detached QEMU handle, disposing does not end the VM.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
