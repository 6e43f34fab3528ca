namespace Ironbark.Bench.Launch;

/// <summary>
/// One timed launch of <see cref="Count"/> instances at once, each figure from the first call:
/// when the launch call(s) answered, when the last instance was running (EC2: its state in
/// DescribeInstances; NC-only: the NC's RunInstance returned, which it does once QEMU runs) and
/// when the last one printed the READY marker on its console.
/// </summary>
public sealed record BatchTiming(string Path, int Count, TimeSpan Answered, TimeSpan Running, TimeSpan Ready, IReadOnlyList<string> InstanceIds);
