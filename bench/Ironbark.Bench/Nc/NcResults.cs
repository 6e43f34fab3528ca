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

    /// <summary>NC RSS just after it started; with no VM after the timed launches; after each memory-phase launch; with all running.</summary>
    public long RssFresh { get; set; }
    public long RssIdle { get; set; }
    public List<long> RssAfterEach { get; } = [];
    public long RssWithVms { get; set; }
    public long NcPeakRss { get; set; }
    public long QemuRssMean { get; set; }

    public IEnumerable<LaunchTiming> Of(LaunchKind kind) => Launches.Where(l => l.Kind == kind);
}
