using System.Diagnostics;
using System.Globalization;

namespace Ironbark.Bench.Nc;

/// <summary>
/// The baseline: QEMU started by hand with what the NC gives its VMs (same kernel, initramfs and
/// command line, a qcow2 overlay on the same root disk, -m/-smp, TCG with tb-size=32, user
/// networking with restrict=on and the metadata address forwarded through socat), but no NC:
/// no image cache, no daemonize, no QMP. Timed from the start of the process to the READY marker.
/// </summary>
public sealed class BaselineVm(GuestImages guest, MetadataResponder metadata, string workDir, string pidFile, int cores, int memoryMib)
{
    public async Task<LaunchTiming> BootAsync(string instanceId, TimeSpan timeout, CancellationToken ct)
    {
        var dir = Path.Combine(workDir, instanceId);
        Directory.CreateDirectory(dir);
        var disk = Path.Combine(dir, "disk.qcow2");
        await CommandLine.RunAsync("qemu-img", ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", guest.Disk, disk], ct);
        var console = Path.Combine(dir, "console.log");
        metadata.InstanceId = instanceId;
        var clock = Stopwatch.StartNew();
        using var qemu = ServerProcess.Start("baseline QEMU", "qemu-system-x86_64", Arguments(disk, console), pidFile);
        try
        {
            var (boot, ready, line) = await ConsoleMarkers.WaitAsync(console, clock, timeout, () => !qemu.HasExited, ct);
            return new LaunchTiming(LaunchKind.Baseline, instanceId, null, boot, ready, line);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException)
        {
            throw new InvalidOperationException($"Baseline {instanceId}: {e.Message}\nQEMU: {qemu.Output}", e);
        }
        finally
        {
            qemu.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    private IEnumerable<string> Arguments(string disk, string console) =>
    [
        "-accel", "tcg,tb-size=32",
        "-smp", cores.ToString(CultureInfo.InvariantCulture),
        "-m", memoryMib.ToString(CultureInfo.InvariantCulture),
        "-nodefaults", "-display", "none", "-vga", "none",
        "-chardev", $"file,id=console0,path={console}",
        "-serial", "chardev:console0",
        "-kernel", guest.Kernel,
        "-initrd", guest.Ramdisk,
        "-append", "console=ttyS0 panic=-1 quiet",
        "-drive", $"file={disk},if=virtio,format=qcow2,cache=writeback",
        "-netdev", "user,id=net0,restrict=on,net=169.254.169.0/24,host=169.254.169.2,dhcpstart=169.254.169.15"
                   + $",guestfwd=tcp:169.254.169.254:80-cmd:socat - UNIX-CONNECT:{metadata.SocketPath}",
        "-device", "virtio-net-pci,netdev=net0,mac=d0:0d:00:00:00:01",
    ];
}
