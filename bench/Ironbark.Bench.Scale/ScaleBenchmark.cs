using System.Diagnostics;
using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Common.Contracts.Cc;

namespace Ironbark.Bench.Scale;

/// <summary>
/// The measurements, in order: the cloud comes up (every node up at the CC), a tiny image is
/// registered, then RunInstances of all the instances in parallel batches, timed until
/// DescribeInstances shows every one running; then DescribeInstances of them all against
/// DescribeRegions (the EC2 edge's noise floor) and the CC's own DescribeInstances, interleaved.
/// </summary>
public sealed class ScaleBenchmark(ScaleArguments arguments, TextWriter progress)
{
    public const string InstanceType = "t1.micro";
    private static readonly TimeSpan NodesUpLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AllRunningLimit = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(100);
    private const int WarmUpCalls = 3;

    public async Task RunAsync(ScaleResults results, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var cloud = await ScaleCloud.StartAsync(arguments.WorkDir, arguments.Nodes, arguments.Instances, progress, ct);
        results.NodesUp = await WaitForNodesAsync(cloud, ct);
        results.CloudStart = clock.Elapsed;
        progress.WriteLine($"{results.NodesUp} of {arguments.Nodes} nodes up at the CC after {results.CloudStart.TotalSeconds:F1} s.");

        var imageId = await TinyImage.RegisterAsync(cloud, ct);
        progress.WriteLine($"Registered {imageId}.");
        await WarmUpAsync(cloud, imageId, ct);

        await PlaceAsync(cloud, imageId, results, ct);
        if (results.PlacementError is null)
            await MeasureLatencyAsync(cloud, results, ct);
        results.ProcessPeakRssBytes = PeakRss();
    }

    /// <summary>Polls the CC until every node answered its poll: what the CC will place on.</summary>
    private async Task<int> WaitForNodesAsync(ScaleCloud cloud, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var up = (await cloud.CcClient.DescribeResourcesAsync(new DescribeResourcesRequest(), cancellationToken: ct)).Nodes.Count(n => n.State == "up");
            if (up == arguments.Nodes || deadline.Elapsed > NodesUpLimit)
                return up;
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>One instance through the whole path first, so the timed run measures a warm cloud, not the JIT.</summary>
    private async Task WarmUpAsync(ScaleCloud cloud, string imageId, CancellationToken ct)
    {
        for (var i = 0; i < WarmUpCalls; i++)
        {
            await cloud.Ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), ct);
            await DescribeAllAsync(cloud, ct);
        }
        var warm = (await cloud.Ec2.RunInstancesAsync(Launch(imageId, 1), ct)).Reservation.Instances.Single().InstanceId;
        if (await WaitForRunningAsync(cloud, [warm], null, ct) is { Failed: { } failed })
            throw new InvalidOperationException($"The warm-up instance {warm} did not run: {failed}");
        try
        {
            await cloud.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [warm] }, ct);
            progress.WriteLine($"Warm-up instance {warm} ran and was terminated.");
        }
        catch (AmazonEC2Exception e)
        {
            // Left running, it only adds one instance to every DescribeInstances; the report counts what was described.
            progress.WriteLine($"Warm-up instance {warm} ran; TerminateInstances failed ({e.ErrorCode}), so it stays.");
        }
    }

    private async Task PlaceAsync(ScaleCloud cloud, string imageId, ScaleResults results, CancellationToken ct)
    {
        var batches = Enumerable.Range(0, (arguments.Instances + arguments.BatchSize - 1) / arguments.BatchSize)
            .Select(b => Math.Min(arguments.BatchSize, arguments.Instances - b * arguments.BatchSize)).ToList();
        progress.WriteLine($"RunInstances: {arguments.Instances} × {InstanceType} in {batches.Count} parallel calls of up to {arguments.BatchSize}…");
        var clock = Stopwatch.StartNew();
        List<string> ids;
        try
        {
            var reservations = await Task.WhenAll(batches.Select(async count =>
            {
                var call = Stopwatch.StartNew();
                var reservation = (await cloud.Ec2.RunInstancesAsync(Launch(imageId, count), ct)).Reservation;
                lock (results.RunInstancesCalls)
                    results.RunInstancesCalls.Add(call.Elapsed);
                return reservation;
            }));
            results.RunInstancesReturned = clock.Elapsed;
            ids = [.. reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId)];
        }
        catch (AmazonEC2Exception e)
        {
            results.PlacementError = $"RunInstances failed after {clock.Elapsed.TotalMilliseconds:F0} ms: {e.ErrorCode}: {e.Message}";
            progress.WriteLine(results.PlacementError);
            return;
        }
        progress.WriteLine($"RunInstances returned {ids.Count} instances after {results.RunInstancesReturned.TotalMilliseconds:F0} ms.");
        (results.InstancesRunning, var failed) = await WaitForRunningAsync(cloud, ids, (clock, results.Progress), ct);
        if (results.InstancesRunning == ids.Count)
            results.AllRunning = clock.Elapsed;
        else
            results.PlacementError = $"only {results.InstancesRunning} of {ids.Count} instances were running after {clock.Elapsed.TotalSeconds:F1} s"
                                     + (failed is null ? "" : $"; {failed}");
        progress.WriteLine(results.AllRunning is { } t ? $"All {ids.Count} running after {t.TotalMilliseconds:F0} ms." : results.PlacementError);
    }

    /// <summary>
    /// Polls DescribeInstances (no filter, as a dashboard would) until all of <paramref name="ids"/>
    /// are running; returns how many are, and why not when one of them ended instead.
    /// </summary>
    private static async Task<(int Running, string? Failed)> WaitForRunningAsync(ScaleCloud cloud, IReadOnlyCollection<string> ids,
        (Stopwatch Clock, List<(double, int, int)> Samples)? record, CancellationToken ct)
    {
        var wanted = ids.ToHashSet();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var mine = (await DescribeAllAsync(cloud, ct)).Where(i => wanted.Contains(i.InstanceId)).ToList();
            var running = mine.Count(i => i.State.Name == InstanceStateName.Running);
            record?.Samples.Add((record.Value.Clock.Elapsed.TotalMilliseconds, mine.Count(i => i.State.Name == InstanceStateName.Pending), running));
            // An instance that ended will not run: waiting out the limit would only hide why.
            if (mine.FirstOrDefault(i => i.State.Name == InstanceStateName.Terminated) is { } ended)
                return (running, $"{ended.InstanceId} ended: {ended.StateReason?.Message ?? ended.StateTransitionReason}");
            if (running == wanted.Count || deadline.Elapsed > AllRunningLimit)
                return (running, null);
            await Task.Delay(PollEvery, ct);
        }
    }

    /// <summary>Interleaved, one call at a time, so the three see the same machine load.</summary>
    private async Task MeasureLatencyAsync(ScaleCloud cloud, ScaleResults results, CancellationToken ct)
    {
        progress.WriteLine($"Latency: {arguments.LatencyCalls} rounds of DescribeRegions, DescribeInstances and the CC's DescribeInstances…");
        for (var round = -WarmUpCalls; round < arguments.LatencyCalls; round++)
        {
            var clock = Stopwatch.StartNew();
            await cloud.Ec2.DescribeRegionsAsync(new DescribeRegionsRequest(), ct);
            var regions = clock.Elapsed;
            clock.Restart();
            var described = await DescribeAllAsync(cloud, ct);
            var instances = clock.Elapsed;
            clock.Restart();
            await cloud.CcClient.DescribeInstancesAsync(new Ironbark.Common.Contracts.Nc.DescribeInstancesRequest(), cancellationToken: ct);
            var cc = clock.Elapsed;
            if (round < 0)
                continue;
            results.DescribeRegions.Add(regions);
            results.DescribeInstances.Add(instances);
            results.CcDescribeInstances.Add(cc);
            results.DescribedInstances = described.Count;
        }
    }

    /// <summary>Every instance of the tenant, following NextToken should the CLC page without being asked to.</summary>
    private static async Task<List<Instance>> DescribeAllAsync(ScaleCloud cloud, CancellationToken ct)
    {
        var all = new List<Instance>();
        string? next = null;
        do
        {
            var page = await cloud.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { NextToken = next }, ct);
            all.AddRange((page.Reservations ?? []).SelectMany(r => r.Instances ?? []));
            next = page.NextToken;
        } while (!string.IsNullOrEmpty(next));
        return all;
    }

    private static RunInstancesRequest Launch(string imageId, int count) => new()
    {
        ImageId = imageId, InstanceType = InstanceType, MinCount = count, MaxCount = count,
        Placement = new Placement { AvailabilityZone = ScaleCloud.Zone },
    };

    private static long PeakRss() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
