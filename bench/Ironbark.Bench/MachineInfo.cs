using System.Globalization;

namespace Ironbark.Bench;

/// <summary>What the numbers were measured on, for the report.</summary>
public sealed record MachineInfo(int Cpus, string CpuModel, long MemoryBytes, string Kernel, string LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown",
        long.Parse(File.ReadLines("/proc/meminfo").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024,
        File.ReadAllText("/proc/sys/kernel/osrelease").Trim(),
        LoadNow());

    /// <summary>The 1-, 5- and 15-minute load averages: how busy the shared machine was.</summary>
    public static string LoadNow() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
