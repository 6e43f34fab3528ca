using System.Diagnostics;

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
                if (!int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || !File.Exists($"/proc/{pid}/cmdline")
                    || !File.ReadAllText($"/proc/{pid}/cmdline").Contains(Path.GetDirectoryName(pidFile)!, StringComparison.Ordinal))
                    continue;
                using var process = Process.GetProcessById(pid);
                process.Kill();
                process.WaitForExit(5000);
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
            {
                // The process ended meanwhile.
            }
        }
    }

    /// <summary>Whether a process with this pid runs (not a zombie).</summary>
    public static bool IsAlive(int pid) =>
        pid > 0 && File.Exists($"/proc/{pid}/stat") && File.ReadAllText($"/proc/{pid}/stat").Split(") ").ElementAtOrDefault(1)?.StartsWith('Z') == false;
}
