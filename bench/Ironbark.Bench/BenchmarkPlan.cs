namespace Ironbark.Bench;

/// <summary>How much work each phase does. Every phase is bounded by a count and by <see cref="PhaseLimit"/>.</summary>
public sealed record BenchmarkPlan
{
    public int Workers { get; init; } = 16;
    public long LargeSize { get; init; } = 64L * 1024 * 1024;
    public int LargeOpsPerWorker { get; init; } = 4;
    public int SmallSize { get; init; } = 4 * 1024;
    public int SmallOpsPerWorker { get; init; } = 200;
    public int ListKeys { get; init; } = 1000;
    public int ListOpsPerWorker { get; init; } = 8;
    public long HugeSize { get; init; } = 2L * 1024 * 1024 * 1024;
    public TimeSpan PhaseLimit { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How many 64 MiB objects the SSE comparison writes and reads each way (plain and SSE-S3, alternately).</summary>
    public int SseIterations { get; init; } = 12;

    /// <summary>The phases to run (a GET phase brings its PUT phase along); all by default.</summary>
    public IReadOnlySet<Phase> Phases { get; init; } = Enum.GetValues<Phase>().ToHashSet();

    public bool Runs(params Phase[] phases) => phases.Any(Phases.Contains);

    /// <summary>Free space the run needs in its work directory: the large objects of all three targets at once, plus one huge object.</summary>
    public long RequiredFreeBytes => 3 * Workers * LargeOpsPerWorker * LargeSize + HugeSize + (1L << 30);

    /// <summary>A small run that checks the machinery end to end in well under a minute.</summary>
    public static BenchmarkPlan Quick => new()
    {
        Workers = 4, LargeSize = 8L * 1024 * 1024, LargeOpsPerWorker = 1, SmallOpsPerWorker = 20, ListKeys = 100,
        ListOpsPerWorker = 2, HugeSize = 64L * 1024 * 1024, PhaseLimit = TimeSpan.FromSeconds(20), SseIterations = 1,
    };
}
