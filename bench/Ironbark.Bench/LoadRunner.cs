using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ironbark.Bench;

/// <summary>
/// A closed-loop load generator: a fixed number of workers each run a fixed number of operations
/// back to back, and stop early (taking what was done) when the time limit passes.
/// </summary>
public static class LoadRunner
{
    /// <param name="operation">Runs operation <c>i</c> of worker <c>w</c> with that worker's buffer; returns the bytes it moved.</param>
    public static async Task<LoadResult> RunAsync(int workers, int opsPerWorker, TimeSpan limit, int bufferSize,
        Func<int, int, byte[], CancellationToken, Task<long>> operation, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<double>();
        long bytes = 0;
        var ops = 0;
        var hitLimit = false;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var buffer = new byte[bufferSize];
            var local = new List<double>(opsPerWorker);
            for (var i = 0; i < opsPerWorker; i++)
            {
                if (clock.Elapsed > limit)
                {
                    hitLimit = true;
                    break;
                }
                var started = clock.Elapsed;
                Interlocked.Add(ref bytes, await operation(w, i, buffer, ct));
                local.Add((clock.Elapsed - started).TotalMilliseconds);
                Interlocked.Increment(ref ops);
            }
            foreach (var l in local)
                latencies.Add(l);
        }, ct)));
        return new LoadResult(ops, bytes, clock.Elapsed, latencies.ToArray(), hitLimit);
    }
}
