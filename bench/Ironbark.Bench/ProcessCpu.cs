using System.Globalization;

namespace Ironbark.Bench;

/// <summary>CPU time a process has used so far (user + system, from /proc/PID/stat).</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on

    public static TimeSpan Used(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // pid (comm) state ppid … utime stime: fields 14 and 15, counted after the comm, which may hold spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
