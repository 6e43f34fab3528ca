namespace Ironbark.Bench.Scale;

/// <summary>Everything one run of the scale benchmark measured, for the report.</summary>
public sealed class ScaleResults(MachineInfo machine, DateTimeOffset started, ScaleArguments arguments)
{
    public MachineInfo Machine { get; } = machine;
    public DateTimeOffset Started { get; } = started;
    public ScaleArguments Arguments { get; } = arguments;
    public TimeSpan Duration { get; set; }
    public string LoadAtEnd { get; set; } = "";

    /// <summary>From the start of the process's first NC to the CC's first DescribeResources with every node up.</summary>
    public TimeSpan CloudStart { get; set; }
    public int NodesUp { get; set; }

    /// <summary>From the first RunInstances call until the last of the batches returned.</summary>
    public TimeSpan RunInstancesReturned { get; set; }

    /// <summary>From the first RunInstances call until DescribeInstances showed every instance running; null if that never happened in time.</summary>
    public TimeSpan? AllRunning { get; set; }
    public Latencies RunInstancesCalls { get; } = new();

    /// <summary>(ms since the first RunInstances, pending, running) for each poll of DescribeInstances while waiting.</summary>
    public List<(double Ms, int Pending, int Running)> Progress { get; } = [];
    public int InstancesRunning { get; set; }
    public string? PlacementError { get; set; }

    public Latencies DescribeInstances { get; } = new();
    public Latencies DescribeRegions { get; } = new();

    /// <summary>The CC's own DescribeInstances over gRPC, to tell the CLC's share of the EC2 call from the CC's.</summary>
    public Latencies CcDescribeInstances { get; } = new();
    public int DescribedInstances { get; set; }
    public long ProcessPeakRssBytes { get; set; }
}
