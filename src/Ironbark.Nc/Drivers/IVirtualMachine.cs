namespace Ironbark.Nc.Drivers;

/// <summary>A running VM as the hypervisor driver controls it.</summary>
public interface IVirtualMachine : IAsyncDisposable
{
    string InstanceId { get; }
    int Pid { get; }

    /// <summary>Completes when the VM's process has ended, for whatever reason.</summary>
    Task Exited { get; }

    /// <summary>The power state as the hypervisor reports it: running, paused, shutdown…</summary>
    Task<string> PowerStateAsync(CancellationToken ct);

    /// <summary>A hard reset, as a reboot.</summary>
    Task ResetAsync(CancellationToken ct);

    /// <summary>ACPI power-down; after <paramref name="grace"/> quit; if even that fails, kill the process.</summary>
    Task ShutdownAsync(TimeSpan grace, CancellationToken ct);
}
