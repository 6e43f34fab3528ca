using System.Globalization;

namespace Ironbark.Bench;

/// <summary>Resident memory of a process from /proc: current (VmRSS) and peak (VmHWM), in bytes.</summary>
public static class ProcessMemory
{
    public static (long Rss, long Peak) Read(int pid)
    {
        long rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                rss = Kilobytes(line);
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                peak = Kilobytes(line);
        }
        return (rss, peak);
    }

    /// <summary>Resets VmHWM to the current RSS (Linux 4.0+), so a later peak belongs to what ran since.</summary>
    public static bool TryResetPeak(int pid)
    {
        try
        {
            File.WriteAllText($"/proc/{pid}/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Kilobytes(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
}
