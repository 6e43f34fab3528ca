namespace Ironbark.Bench.Launch;

/// <summary>Everything one run of the launch benchmark measured.</summary>
public sealed class LaunchResults(MachineInfo machine, DateTimeOffset started, int rounds)
{
    public MachineInfo Machine { get; } = machine;
    public DateTimeOffset Started { get; } = started;
    public int Rounds { get; } = rounds;
    public TimeSpan Duration { get; set; }
    public string LoadAtEnd { get; set; } = "";
    public List<BatchTiming> Launches { get; } = [];

    /// <summary>The 1-minute load average when each round began.</summary>
    public List<string> LoadPerRound { get; } = [];

    public IEnumerable<BatchTiming> Of(string path, int count) => Launches.Where(l => l.Path == path && l.Count == count);
}
