namespace Ironbark.Bench.Launch;

/// <summary>A way to launch the test guest whose time to running and READY the benchmark compares.</summary>
public interface ILaunchPath
{
    /// <summary>How the report names it.</summary>
    string Name { get; }

    /// <summary>Launches <paramref name="count"/> instances at once and waits until every one printed READY.</summary>
    Task<BatchTiming> LaunchAsync(int count, CancellationToken ct);

    /// <summary>Terminates the instances and returns once none of their VMs runs any more.</summary>
    Task TerminateAsync(IReadOnlyList<string> instanceIds, CancellationToken ct);
}
