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
    /// <summary>SSE-S3 against unencrypted 64 MiB PUT and GET on Walrus, when that phase ran.</summary>
    public SseResult? Sse { get; set; }

    public LoadResult? Get(Phase phase, string target) => Loads.GetValueOrDefault((phase, target));
}
