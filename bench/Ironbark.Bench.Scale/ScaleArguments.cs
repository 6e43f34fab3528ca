using System.Globalization;

namespace Ironbark.Bench.Scale;

/// <summary>The scale benchmark's command line (see bench/run-scale).</summary>
public sealed record ScaleArguments(int Nodes, int Instances, int BatchSize, int LatencyCalls, string WorkDir, string? Output)
{
    public const string Usage = "usage: Ironbark.Bench.Scale [--nodes 100] [--instances 1000] [--batch 100] [--calls 100] [--work-dir DIR] [--out docs/performance.md] [--quick]";

    public static ScaleArguments Parse(string[] args)
    {
        var (values, quick) = CommandLine.ParseOptions(args, Usage);
        int Int(string name, int full, int small) =>
            values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : quick ? small : full;
        var workDir = values.TryGetValue("work-dir", out var w) ? w : Path.Combine(Path.GetTempPath(), $"ironbark-scale-{Environment.ProcessId}");
        // A quick run only checks the machinery; it never overwrites the report.
        return new ScaleArguments(Int("nodes", 100, 5), Int("instances", 1000, 50), Int("batch", 100, 10), Int("calls", 100, 10),
            workDir, quick ? null : values.GetValueOrDefault("out"));
    }
}
