namespace Ironbark.Bench;

/// <summary>What one timed workload achieved: operations and bytes done in the elapsed wall time, and per-operation latencies.</summary>
public sealed record LoadResult(int Ops, long Bytes, TimeSpan Elapsed, double[] LatenciesMs, bool HitTimeLimit)
{
    public double OpsPerSecond => Ops / Elapsed.TotalSeconds;
    public double MiBPerSecond => Bytes / 1048576.0 / Elapsed.TotalSeconds;
    public double MeanLatencyMs => LatenciesMs.Length == 0 ? double.NaN : LatenciesMs.Average();
    public double P99LatencyMs => Percentile(0.99);

    /// <summary>CPU time (user + system) the server process used during the workload, when the target has a process.</summary>
    public TimeSpan? ServerCpu { get; init; }

    public double? ServerCpuMicrosecondsPerOp => ServerCpu is { } cpu && Ops > 0 ? cpu.TotalMicroseconds / Ops : null;

    private double Percentile(double p)
    {
        if (LatenciesMs.Length == 0)
            return double.NaN;
        var sorted = LatenciesMs.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
    }
}
