using System.Globalization;
using Ironbark.Common.Processes;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Drivers.Qemu;

/// <summary>
/// The QEMU driver: one daemonised QEMU per instance with TCG (or KVM where a probe boot worked),
/// a serial console captured to a file, the NIC the network driver made ready (a tap in a network namespace, QEMU then
/// started in that namespace, or QEMU user networking with the metadata address forwarded to the NC), and QMP for
/// everything after the start.
/// </summary>
public sealed class QemuHypervisor(string qemu, string qemuImg, string acceleration, ILogger<QemuHypervisor> log) : IHypervisor
{
    private static readonly TimeSpan QmpTimeout = TimeSpan.FromSeconds(20);

    public string Name => "qemu";
    public string Acceleration => acceleration;

    public async Task CreateOverlayAsync(string basePath, string overlayPath, CancellationToken ct)
    {
        var (code, _, stderr) = await CommandRunner.RunAsync(qemuImg,
            ["create", "-q", "-f", "qcow2", "-F", "raw", "-b", basePath, overlayPath], ct: ct);
        if (code != 0)
            throw new IOException($"qemu-img create failed: {stderr.Trim()}");
    }

    public async Task<IVirtualMachine> LaunchAsync(VmSpec spec, CancellationToken ct)
    {
        File.Delete(spec.QmpSocket);
        File.Delete(spec.PidFile);
        var args = Arguments(spec);
        log.LogInformation("Starting QEMU for {InstanceId}: {Args}", spec.InstanceId, string.Join(' ', args));
        // A tap lives in its VPC's namespace: QEMU opens it there (its QMP socket and files are paths, reachable from any).
        var (code, _, stderr) = spec.Nic.Namespace is { } ns
            ? await CommandRunner.RunAsync("ip", ["netns", "exec", ns, qemu, .. args], ct: ct)
            : await CommandRunner.RunAsync(qemu, args, ct: ct);
        if (code != 0)
            throw new IOException($"QEMU did not start (exit {code}): {stderr.Trim()}");
        var pid = int.Parse((await File.ReadAllTextAsync(spec.PidFile, ct)).Trim(), CultureInfo.InvariantCulture);
        try
        {
            var qmp = await QmpClient.ConnectAsync(spec.QmpSocket, QmpTimeout, ct);
            return new QemuVirtualMachine(spec.InstanceId, pid, qmp);
        }
        catch
        {
            QemuVirtualMachine.Kill(pid);
            throw;
        }
    }

    public async Task<IVirtualMachine?> AttachAsync(VmSpec spec, CancellationToken ct)
    {
        if (!File.Exists(spec.PidFile) || !int.TryParse((await File.ReadAllTextAsync(spec.PidFile, ct)).Trim(), out var pid))
            return null;
        if (!QemuVirtualMachine.IsAlive(pid) || !IsQemuOf(pid, spec))
            return null;
        try
        {
            var qmp = await QmpClient.ConnectAsync(spec.QmpSocket, TimeSpan.FromSeconds(5), ct);
            return new QemuVirtualMachine(spec.InstanceId, pid, qmp);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            log.LogWarning("QEMU {Pid} of {InstanceId} runs but its QMP socket does not answer: {Error}", pid, spec.InstanceId, e.Message);
            return null;
        }
    }

    /// <summary>The pid file could be stale and the pid reused: check the process is QEMU running this instance.</summary>
    private static bool IsQemuOf(int pid, VmSpec spec)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("qemu-system", StringComparison.Ordinal) && cmdline.Contains(spec.QmpSocket, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    internal List<string> Arguments(VmSpec spec)
    {
        var accel = acceleration == "kvm" ? "kvm" : "tcg,tb-size=32";
        var nic = spec.Nic;
        var netdev = nic.Tap is { } tap ? $"tap,id=net0,ifname={tap},script=no,downscript=no"
            : "user,id=net0,restrict=on,net=169.254.169.0/24,host=169.254.169.2,dhcpstart=169.254.169.15"
              + $",guestfwd=tcp:169.254.169.254:80-cmd:socat -lp {nic.MetadataTag} - UNIX-CONNECT:{nic.MetadataSocket}";
        var args = new List<string>
        {
            "-name", $"{spec.InstanceId},process=ironbark-{spec.InstanceId}",
            "-accel", accel,
            "-smp", spec.Cores.ToString(CultureInfo.InvariantCulture),
            "-m", spec.MemoryMib.ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-display", "none", "-vga", "none",
            "-chardev", $"file,id=console0,path={spec.ConsolePath}",
            "-serial", "chardev:console0",
            "-kernel", spec.KernelPath,
            "-append", spec.KernelArgs,
            "-drive", $"file={spec.DiskPath},if=virtio,format=qcow2,cache=writeback",
            "-netdev", netdev,
            "-device", $"virtio-net-pci,netdev=net0,mac={nic.Mac}",
            "-qmp", $"unix:{spec.QmpSocket},server=on,wait=off",
            "-pidfile", spec.PidFile,
            "-daemonize",
        };
        if (spec.RamdiskPath is not null)
            args.InsertRange(args.IndexOf("-append"), ["-initrd", spec.RamdiskPath]);
        return args;
    }
}
