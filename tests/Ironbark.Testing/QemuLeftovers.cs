using Ironbark.Nc.Drivers.Qemu;

namespace Ironbark.Testing;

/// <summary>Kills the QEMU processes a test's node left behind: only those whose pid file and command line name its own instance directories.</summary>
public static class QemuLeftovers
{
    public static void Kill(string instancesDir)
    {
        if (!Directory.Exists(instancesDir))
            return;
        foreach (var pidFile in Directory.EnumerateFiles(instancesDir, "qemu.pid", SearchOption.AllDirectories))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) && QemuVirtualMachine.IsAlive(pid)
                    && File.ReadAllText($"/proc/{pid}/cmdline").Contains(Path.GetDirectoryName(pidFile)!, StringComparison.Ordinal))
                    QemuVirtualMachine.Kill(pid);
            }
            catch (IOException)
            {
                // The process ended meanwhile.
            }
        }
    }
}
