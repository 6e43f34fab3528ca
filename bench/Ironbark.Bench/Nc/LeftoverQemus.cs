namespace Ironbark.Bench.Nc;

/// <summary>
/// The last resort when a benchmark ends: QEMUs an NC daemonized are not its children, so stopping
/// the NC leaves them running. Kills only those whose pid file is under the given instances
/// directory and whose command line names that instance's directory: only ours.
/// </summary>
public static class LeftoverQemus
{
    public static void Kill(string instancesDir)
    {
        if (!Directory.Exists(instancesDir))
            return;
        foreach (var pidFile in Directory.EnumerateFiles(instancesDir, "qemu.pid", SearchOption.AllDirectories))
        {
            try
            {
                if (int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid)
                    && File.ReadAllText($"/proc/{pid}/cmdline").Contains(Path.GetDirectoryName(pidFile)!, StringComparison.Ordinal))
                {
                    using var process = System.Diagnostics.Process.GetProcessById(pid);
                    process.Kill();
                }
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
            {
                // Gone already.
            }
        }
    }
}
