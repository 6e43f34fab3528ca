using System.Globalization;

namespace Ironbark.Bench.Launch;

/// <summary>
/// Times launches of 1 and of N instances at once along each path, interleaved round by round (the
/// order rotates) so the paths see the same background load; everything launched is terminated, and
/// gone, before the next launch, so launches never overlap.
/// </summary>
public sealed class LaunchBenchmark(IReadOnlyList<ILaunchPath> paths, int rounds, TextWriter log)
{
    public const int Batch = 5;
    public static readonly int[] Counts = [1, Batch];

    public async Task RunAsync(LaunchResults results, CancellationToken ct)
    {
        log.WriteLine("Warm-up (not counted): one launch of one instance along each path.");
        foreach (var path in paths)
            await LaunchAndTerminateAsync(path, 1, ct);

        var cells = paths.SelectMany(p => Counts.Select(c => (Path: p, Count: c))).ToList();
        for (var round = 0; round < rounds; round++)
        {
            results.LoadPerRound.Add(MachineInfo.LoadNow().Split(' ')[0]);
            for (var k = 0; k < cells.Count; k++)
            {
                var (path, count) = cells[(round + k) % cells.Count];
                var timing = await LaunchAndTerminateAsync(path, count, ct);
                results.Launches.Add(timing);
                log.WriteLine(Inv($"  round {round + 1,2} {path.Name,-20} ×{count}: answered {timing.Answered.TotalMilliseconds,6:F0} ms, all running {timing.Running.TotalMilliseconds,6:F0} ms, all READY {timing.Ready.TotalMilliseconds,6:F0} ms"));
            }
        }
    }

    private static async Task<BatchTiming> LaunchAndTerminateAsync(ILaunchPath path, int count, CancellationToken ct)
    {
        var timing = await path.LaunchAsync(count, ct);
        await path.TerminateAsync(timing.InstanceIds, ct);
        return timing;
    }

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
