namespace Ironbark.Bench;

/// <summary>Everything one run measured, by phase and target, plus the peak memory of each server during the huge upload.</summary>
public sealed class BenchmarkResults(BenchmarkPlan plan, MachineInfo machine, DateTimeOffset started)
{
    public BenchmarkPlan Plan => plan;
    public MachineInfo Machine => machine;
    public DateTimeOffset Started => started;
    public TimeSpan Duration { get; set; }
    public string LoadAtEnd { get; set; } = "";
    public Dictionary<(Phase, string Target), LoadResult> Loads { get; } = [];
    public Dictionary<string, long> PeakRss { get; } = [];

    public LoadResult? Get(Phase phase, string target) => Loads.GetValueOrDefault((phase, target));
}
