namespace Ironbark.Nc.Drivers;

/// <summary>
/// The seam between the node and the virtualisation it drives. One real driver: QEMU over QMP;
/// the fake driver (Drivers/Fake) is for scale simulation only.
/// </summary>
public interface IHypervisor
{
    /// <summary>"qemu" (or "fake").</summary>
    string Name { get; }

    /// <summary>"kvm" or "tcg", as decided at start ("none" for the fake driver).</summary>
    string Acceleration { get; }

    /// <summary>Creates the instance's writable disk on top of a cached base image.</summary>
    Task CreateOverlayAsync(string basePath, string overlayPath, CancellationToken ct);

    Task<IVirtualMachine> LaunchAsync(VmSpec spec, CancellationToken ct);

    /// <summary>Finds a VM again from its instance directory after a restart of the node; null when it no longer runs.</summary>
    Task<IVirtualMachine?> AttachAsync(VmSpec spec, CancellationToken ct);
}
