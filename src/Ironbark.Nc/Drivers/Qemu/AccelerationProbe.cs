using Ironbark.Common.Processes;

namespace Ironbark.Nc.Drivers.Qemu;

/// <summary>
/// Decides between KVM and TCG. "auto" uses KVM only when a probe boot with it succeeds, in two
/// steps: a 512-byte boot sector must print on the serial port within seconds, then a real Linux
/// kernel must get as far as looking for its root file system. The second step matters: the
/// paravirtual /dev/kvm of some hosts runs the boot sector but hangs every kernel. Without a kernel
/// to probe with (<see cref="NcOptions.ProbeKernel"/>, else /boot/vmlinuz-*), auto stays on TCG.
/// </summary>
public static class AccelerationProbe
{
    // mov dx,0x3f8; mov al,'K'; out dx,al; cli; hlt; jmp $-2
    private static readonly byte[] BootCode = [0xBA, 0xF8, 0x03, 0xB0, 0x4B, 0xEE, 0xFA, 0xF4, 0xEB, 0xFD];

    /// <summary>What a kernel prints once it has booted far enough to need a root file system.</summary>
    private static readonly string[] KernelBooted = ["Kernel panic", "VFS:", "Run /init", "Freeing unused kernel"];

    /// <returns>"kvm" or "tcg", and why.</returns>
    public static async Task<(string Acceleration, string Why)> DecideAsync(string setting, string qemu, string? probeKernel, CancellationToken ct)
    {
        switch (setting)
        {
            case "tcg":
                return ("tcg", "as configured");
            case "kvm":
                if (!await ProbeKvmAsync(qemu, ct))
                    throw new InvalidOperationException("Acceleration is set to kvm, but a probe boot with KVM failed on this host.");
                return ("kvm", "as configured");
            case "auto":
                var (kvm, why) = await ProbeAutoAsync(qemu, probeKernel ?? HostKernel(), ct);
                return (kvm ? "kvm" : "tcg", why);
            default:
                throw new InvalidOperationException($"Unknown acceleration setting '{setting}': use auto, kvm or tcg.");
        }
    }

    private static async Task<(bool Kvm, string Why)> ProbeAutoAsync(string qemu, string? kernel, CancellationToken ct)
    {
        if (!File.Exists("/dev/kvm"))
            return (false, "no /dev/kvm");
        if (!await ProbeKvmAsync(qemu, ct))
            return (false, "a boot sector does not run under KVM");
        if (kernel is null)
            return (false, "no kernel to probe KVM with");
        return await ProbeKernelAsync(qemu, kernel, ct)
            ? (true, $"{Path.GetFileName(kernel)} booted under KVM")
            : (false, $"{Path.GetFileName(kernel)} did not boot under KVM within 20 s");
    }

    private static string? HostKernel() =>
        Directory.Exists("/boot") ? Directory.GetFiles("/boot", "vmlinuz-*").Order(StringComparer.Ordinal).LastOrDefault() : null;

    private static Task<bool> ProbeKvmAsync(string qemu, CancellationToken ct) => WithTempDirAsync(async dir =>
    {
        var disk = Path.Combine(dir, "boot.img");
        var sector = new byte[512];
        BootCode.CopyTo(sector, 0);
        sector[510] = 0x55;
        sector[511] = 0xAA;
        await File.WriteAllBytesAsync(disk, sector, ct);
        var output = await BootAsync(qemu, dir, 8, ["-drive", $"file={disk},format=raw,if=ide"], ct);
        return output.Contains('K');
    });

    private static Task<bool> ProbeKernelAsync(string qemu, string kernel, CancellationToken ct) => WithTempDirAsync(async dir =>
    {
        var output = await BootAsync(qemu, dir, 20, ["-kernel", kernel, "-append", "console=ttyS0 panic=-1"], ct);
        return KernelBooted.Any(output.Contains);
    });

    /// <summary>Boots QEMU with KVM for at most <paramref name="seconds"/> and returns what it printed on the serial port.</summary>
    private static async Task<string> BootAsync(string qemu, string dir, int seconds, string[] boot, CancellationToken ct)
    {
        var serial = Path.Combine(dir, "serial.out");
        await CommandRunner.RunAsync("timeout", ["-s", "KILL", seconds.ToString(), qemu, "-accel", "kvm", "-m", "256", "-nodefaults",
            "-display", "none", "-no-reboot", "-serial", $"file:{serial}", .. boot], ct: ct);
        return File.Exists(serial) ? await File.ReadAllTextAsync(serial, ct) : "";
    }

    private static async Task<bool> WithTempDirAsync(Func<string, Task<bool>> probe)
    {
        var dir = Directory.CreateTempSubdirectory("ironbark-kvm-probe-");
        try
        {
            return await probe(dir.FullName);
        }
        catch (Exception e) when (e is IOException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
