namespace Ironbark.Bench.Network;

/// <summary>Everything one `Ironbark.Bench network` run measured, for the report.</summary>
public sealed class NetworkResults(MachineInfo machine, DateTimeOffset started, IReadOnlyList<string> phases)
{
    public MachineInfo Machine { get; } = machine;
    public DateTimeOffset Started { get; } = started;
    public IReadOnlyList<string> Phases { get; } = phases;
    public TimeSpan Duration { get; set; }
    public string LoadAtEnd { get; set; } = "";
    public List<ScaleRun> Scale { get; } = [];
    public List<Enforcement> Rules { get; } = [];
    public List<Enforcement> Addresses { get; } = [];
    /// <summary>Why a phase stopped early, if one did.</summary>
    public List<string> Failures { get; } = [];
}

public enum ScaleKind { Ironbark, Naive }

/// <summary>One ruleset rendered and loaded: the times, and what the kernel held afterwards.</summary>
public sealed record ScaleRun(ScaleKind Kind, TimeSpan Render, TimeSpan FirstLoad, TimeSpan Reload, int Rules, int SetElements, int Bytes);

/// <summary>Who made the change: the NC from a new view, or the same effect made by hand (the baseline).</summary>
public enum ChangeBy { Nc, Hand }

/// <summary>One change (a port opened or closed, an address given) and the time until the outside saw it; null if it never did within the bound.</summary>
public sealed record Enforcement(ChangeBy By, bool Open, TimeSpan? Seen);
