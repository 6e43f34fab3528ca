namespace Ironbark.Bench.Nc;

/// <summary>Everything one run of the NC benchmark measured.</summary>
public sealed class NcResults(MachineInfo machine, DateTimeOffset started, int rounds, int memoryVms)
{
    public MachineInfo Machine { get; } = machine;
    public DateTimeOffset Started { get; } = started;
    public int Rounds { get; } = rounds;
    public int MemoryVms { get; } = memoryVms;
    public TimeSpan Duration { get; set; }
    public string LoadAtEnd { get; set; } = "";
    public List<LaunchTiming> Launches { get; } = [];

    /// <summary>NC RSS just after it started; samples with no VM after the timed launches; after each memory-phase launch; samples with all running.</summary>
    public long RssFresh { get; set; }
    public List<long> RssIdle { get; } = [];
    public List<long> RssAfterEach { get; } = [];
    public List<long> RssWithVms { get; } = [];
    public long NcPeakRss { get; set; }
    public long QemuRssMean { get; set; }

    /// <summary>(RSS with N VMs − RSS with none) / N from the medians of the samples, in bytes.</summary>
    public double PerVm => (Median(RssWithVms) - Median(RssIdle)) / (double)MemoryVms;

    /// <summary>The same from the highest sample with VMs and the lowest without: what the per-VM cost cannot exceed, GC swings included.</summary>
    public double PerVmBound => (RssWithVms.Max() - RssIdle.Min()) / (double)MemoryVms;

    public static long Median(IReadOnlyCollection<long> samples) => samples.Order().ElementAt(samples.Count / 2);

    public IEnumerable<LaunchTiming> Of(LaunchKind kind) => Launches.Where(l => l.Kind == kind);
}
