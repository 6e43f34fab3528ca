using System.Globalization;

namespace Ironbark.Nc.Drivers.Fake;

/// <summary>
/// A driver that runs nothing, for scale simulation only (hundreds of NCs in one process, see
/// docs/nc.md): a launch returns at once with a VM that reports itself running, and the node
/// does all its own work around it (capacity, image cache, instance directory, states). Never
/// the default; `NcOptions.Hypervisor = "fake"` selects it.
/// </summary>
public sealed class FakeHypervisor : IHypervisor
{
    public string Name => "fake";

    /// <summary>Nothing is emulated, so there is no acceleration to decide.</summary>
    public string Acceleration => "none";

    /// <summary>An empty file where the overlay would be: the instance directory looks as usual, and nothing heavy is written.</summary>
    public async Task CreateOverlayAsync(string basePath, string overlayPath, CancellationToken ct)
    {
        await using var _ = new FileStream(overlayPath, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
    }

    public async Task<IVirtualMachine> LaunchAsync(VmSpec spec, CancellationToken ct)
    {
        // One line per boot, so GetConsoleOutput has something to return.
        var line = string.Create(CultureInfo.InvariantCulture,
            $"FAKE-BOOT instance-id={spec.InstanceId} cores={spec.Cores} memory={spec.MemoryMib} at={DateTimeOffset.UtcNow:O}\n");
        await File.AppendAllTextAsync(spec.ConsolePath, line, ct);
        return new FakeVirtualMachine(spec.InstanceId);
    }

    /// <summary>A fake VM lives only in the process that launched it: after a restart the node records it as terminated.</summary>
    public Task<IVirtualMachine?> AttachAsync(VmSpec spec, CancellationToken ct) => Task.FromResult<IVirtualMachine?>(null);
}
