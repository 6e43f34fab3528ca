using Ironbark.Common.Processes;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Drivers.Qemu;

/// <summary>
/// Decides between KVM and TCG. "auto" uses KVM only when a probe boot with it succeeds: a
/// 512-byte boot sector that writes one byte to the serial port, which must appear within seconds
/// (a paravirtual /dev/kvm that hangs or crawls fails this and TCG is used).
/// </summary>
public static class AccelerationProbe
{
    // mov dx,0x3f8; mov al,'K'; out dx,al; cli; hlt; jmp $-2
    private static readonly byte[] BootCode = [0xBA, 0xF8, 0x03, 0xB0, 0x4B, 0xEE, 0xFA, 0xF4, 0xEB, 0xFD];

    public static async Task<string> DecideAsync(string setting, string qemu, ILogger log, CancellationToken ct)
    {
        switch (setting)
        {
            case "tcg":
                return "tcg";
            case "kvm":
                if (!await ProbeKvmAsync(qemu, ct))
                    throw new InvalidOperationException("Acceleration is set to kvm, but a probe boot with KVM failed on this host.");
                return "kvm";
            case "auto":
                var kvm = File.Exists("/dev/kvm") && await ProbeKvmAsync(qemu, ct);
                log.LogInformation("Acceleration: {Accel} (KVM probe {Result})", kvm ? "kvm" : "tcg", kvm ? "booted" : "failed or no /dev/kvm");
                return kvm ? "kvm" : "tcg";
            default:
                throw new InvalidOperationException($"Unknown acceleration setting '{setting}': use auto, kvm or tcg.");
        }
    }

    private static async Task<bool> ProbeKvmAsync(string qemu, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("ironbark-kvm-probe-");
        try
        {
            var disk = Path.Combine(dir.FullName, "boot.img");
            var sector = new byte[512];
            BootCode.CopyTo(sector, 0);
            sector[510] = 0x55;
            sector[511] = 0xAA;
            await File.WriteAllBytesAsync(disk, sector, ct);
            var output = Path.Combine(dir.FullName, "serial.out");
            var (code, _, _) = await CommandRunner.RunAsync("timeout", ["-s", "KILL", "8", qemu, "-accel", "kvm", "-m", "16", "-nodefaults",
                "-display", "none", "-no-reboot", "-drive", $"file={disk},format=raw,if=ide", "-serial", $"file:{output}",
                "-device", "isa-debug-exit"], ct: ct);
            _ = code;
            return File.Exists(output) && (await File.ReadAllTextAsync(output, ct)).Contains('K');
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
