using System.Globalization;

namespace Ironbark.Bench;

/// <summary>
/// Runs every phase against every target back to back (raw disk, Walrus, s3rver), so each
/// comparison is measured minutes apart under the same background load.
/// </summary>
public sealed class WalrusBenchmark(BenchmarkPlan plan, IReadOnlyList<ILoadTarget> targets, TextWriter log)
{
    private const string LargeBucket = "bench-large";
    private const string SmallBucket = "bench-small";
    private const string ListBucket = "bench-list";
    private const string HugeBucket = "bench-huge";
    private const int ReadBufferSize = 1024 * 1024;

    public async Task RunAsync(BenchmarkResults results, CancellationToken ct)
    {
        foreach (var target in targets)
        {
            foreach (var bucket in new[] { LargeBucket, SmallBucket, ListBucket, HugeBucket })
                await target.CreateBucketAsync(bucket, ct);
            await WarmUpAsync(target, ct);
        }

        // The 2 GiB upload runs first, on freshly started servers: its peak RSS is what one large
        // upload costs, not what earlier bursts of 16 clients left behind.
        if (plan.Runs(Phase.HugePut))
            foreach (var target in targets)
                await HugeUploadAsync(results, target, ct);

        if (plan.Runs(Phase.Sse))
            foreach (var walrus in targets.OfType<S3Target>().Where(t => t.Name == "Walrus"))
                results.Sse = await new SseComparison(walrus, plan.SseIterations, log).RunAsync(ct);

        var largeOps = plan.LargeOpsPerWorker;
        if (plan.Runs(Phase.LargePut, Phase.LargeGet))
        {
            await MeasureAsync(results, Phase.LargePut, largeOps, (t, w, i, _, c) => Put(t, LargeBucket, Key(w, i), plan.LargeSize, c), ct);
            if (plan.Runs(Phase.LargeGet))
                await MeasureAsync(results, Phase.LargeGet, largeOps, (t, w, i, b, c) => t.GetAsync(LargeBucket, Key(w, i), b, c), ct);
            await ForEachTargetAsync(t => DeleteAllAsync(t, LargeBucket, largeOps, ct));
        }

        var smallOps = plan.SmallOpsPerWorker;
        if (plan.Runs(Phase.SmallPut, Phase.SmallGet))
        {
            await MeasureAsync(results, Phase.SmallPut, smallOps, (t, w, i, _, c) => Put(t, SmallBucket, Key(w, i), plan.SmallSize, c), ct);
            if (plan.Runs(Phase.SmallGet))
                await MeasureAsync(results, Phase.SmallGet, smallOps, (t, w, i, b, c) => t.GetAsync(SmallBucket, Key(w, i), b, c), ct);
        }

        if (plan.Runs(Phase.List))
        {
            await ForEachTargetAsync(t => t.CanList ? SeedListBucketAsync(t, ct) : Task.CompletedTask);
            await MeasureAsync(results, Phase.List, plan.ListOpsPerWorker, async (t, _, _, _, c) =>
            {
                var count = await t.ListAsync(ListBucket, c);
                if (count != plan.ListKeys)
                    throw new InvalidOperationException($"{t.Name} listed {count} keys, expected {plan.ListKeys}.");
                return 0;
            }, ct, t => t.CanList);
        }
    }

    private async Task MeasureAsync(BenchmarkResults results, Phase phase, int opsPerWorker,
        Func<ILoadTarget, int, int, byte[], CancellationToken, Task<long>> operation, CancellationToken ct, Func<ILoadTarget, bool>? applies = null)
    {
        foreach (var target in targets.Where(t => applies?.Invoke(t) ?? true))
        {
            // Reads come from the disk, not from the page cache, for every target alike: "raw disk"
            // means the disk's read speed, and a cached read would only measure memory copies.
            if (phase is Phase.LargeGet or Phase.SmallGet)
                PageCache.Drop(log);
            // CPU per operation of the server and of this client: less noisy than throughput on shared cores.
            var serverCpu = target.Pid is { } pid ? ProcessCpu.Used(pid) : TimeSpan.Zero;
            var clientCpu = ProcessCpu.Used(Environment.ProcessId);
            var result = await LoadRunner.RunAsync(plan.Workers, opsPerWorker, plan.PhaseLimit, ReadBufferSize,
                (w, i, buffer, c) => operation(target, w, i, buffer, c), ct);
            if (target.Pid is { } p)
                result = result with { ServerCpu = ProcessCpu.Used(p) - serverCpu };
            results.Loads[(phase, target.Name)] = result;
            var cpu = result.ServerCpuMicrosecondsPerOp is { } us ? $", server CPU {us,6:F0} µs/op" : "";
            cpu += $", client CPU {(ProcessCpu.Used(Environment.ProcessId) - clientCpu).TotalMicroseconds / result.Ops,6:F0} µs/op";
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {phase,-9} {target.Name,-9} {result.Ops,6} ops in {result.Elapsed.TotalSeconds,6:F2} s: {result.OpsPerSecond,9:F1} ops/s {result.MiBPerSecond,8:F1} MiB/s, mean {result.MeanLatencyMs,7:F1} ms{cpu}, load {MachineInfo.LoadNow()}{(result.HitTimeLimit ? " (time limit)" : "")}"));
        }
    }

    /// <summary>One upload of <see cref="BenchmarkPlan.HugeSize"/> bytes, streamed from a generated stream, with the server's RSS sampled throughout.</summary>
    private async Task HugeUploadAsync(BenchmarkResults results, ILoadTarget target, CancellationToken ct)
    {
        RssSampler? sampler = null;
        var before = "";
        if (target.Pid is { } pid)
        {
            var reset = ProcessMemory.TryResetPeak(pid);
            before = string.Create(CultureInfo.InvariantCulture, $", RSS {ProcessMemory.Read(pid).Rss / 1048576.0:F1} MiB before{(reset ? "" : " (peak not reset)")}");
            sampler = new RssSampler(pid, TimeSpan.FromMilliseconds(20));
        }
        try
        {
            var result = await LoadRunner.RunAsync(1, 1, plan.PhaseLimit * 3, 0, (_, _, _, c) => Put(target, HugeBucket, "huge", plan.HugeSize, c), ct);
            results.Loads[(Phase.HugePut, target.Name)] = result;
            var peak = sampler is null ? 0 : await sampler.StopAsync();
            if (sampler is not null)
                results.PeakRss[target.Name] = peak;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {Phase.HugePut,-9} {target.Name,-9} {result.MiBPerSecond,8:F1} MiB/s{(sampler is null ? "" : $", peak RSS {peak / 1048576.0:F1} MiB ({sampler.Samples} samples, highest sampled {sampler.MaxRss / 1048576.0:F1} MiB){before}")}"));
        }
        finally
        {
            if (sampler is not null)
                await sampler.DisposeAsync();
            await target.DeleteAsync(HugeBucket, "huge", ct);
        }
    }

    /// <summary>
    /// A few of every operation before measuring (JIT, connection pools). Listing never overlaps
    /// deletes: s3rver answers 500 when a key vanishes under a listing.
    /// </summary>
    private async Task WarmUpAsync(ILoadTarget target, CancellationToken ct)
    {
        const int ops = 4;
        await LoadRunner.RunAsync(plan.Workers, ops, plan.PhaseLimit, ReadBufferSize, async (w, i, buffer, c) =>
        {
            await Put(target, SmallBucket, $"warm-{w}-{i}", plan.SmallSize, c);
            return await target.GetAsync(SmallBucket, $"warm-{w}-{i}", buffer, c);
        }, ct);
        if (target.CanList)
            await LoadRunner.RunAsync(plan.Workers, 1, plan.PhaseLimit, 0, async (_, _, _, c) => await target.ListAsync(SmallBucket, c), ct);
        await LoadRunner.RunAsync(plan.Workers, ops, plan.PhaseLimit, 0, async (w, i, _, c) =>
        {
            await target.DeleteAsync(SmallBucket, $"warm-{w}-{i}", c);
            return 0;
        }, ct);
    }

    private async Task SeedListBucketAsync(ILoadTarget target, CancellationToken ct)
    {
        var perWorker = (plan.ListKeys + plan.Workers - 1) / plan.Workers;
        await LoadRunner.RunAsync(plan.Workers, perWorker, TimeSpan.MaxValue, 0, async (w, i, _, c) =>
        {
            var n = w * perWorker + i;
            if (n < plan.ListKeys)
                await Put(target, ListBucket, $"key-{n:D5}", 0, c);
            return 0;
        }, ct);
    }

    private async Task DeleteAllAsync(ILoadTarget target, string bucket, int opsPerWorker, CancellationToken ct) =>
        await LoadRunner.RunAsync(plan.Workers, opsPerWorker, TimeSpan.MaxValue, 0, async (w, i, _, c) =>
        {
            await target.DeleteAsync(bucket, Key(w, i), c);
            return 0;
        }, ct);

    private async Task ForEachTargetAsync(Func<ILoadTarget, Task> action)
    {
        foreach (var target in targets)
            await action(target);
    }

    private static async Task<long> Put(ILoadTarget target, string bucket, string key, long size, CancellationToken ct)
    {
        await target.PutAsync(bucket, key, size, ct);
        return size;
    }

    /// <summary>Flat keys: s3rver races when concurrent deletes prune the directories that slashes in keys make.</summary>
    private static string Key(int worker, int i) => $"obj-w{worker:D2}-{i:D5}";
}
