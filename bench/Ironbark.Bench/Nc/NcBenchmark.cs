using System.Diagnostics;
using System.Globalization;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Bench.Nc;

/// <summary>
/// Times launches to the guest's READY marker, one at a time: the baseline (QEMU by hand), the NC
/// with an empty image cache and the NC with the images cached, interleaved round by round (the
/// order rotates) so the three see the same background load. Then measures the NC's own memory
/// with VMs running.
/// </summary>
public sealed class NcBenchmark(NcCloud cloud, BaselineVm baseline, GuestImages guest, NcBenchArguments options, TextWriter log)
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);
    private static readonly LaunchKind[] Kinds = [LaunchKind.Baseline, LaunchKind.NcCold, LaunchKind.NcWarm];

    public async Task RunAsync(NcResults results, CancellationToken ct)
    {
        results.RssFresh = ProcessMemory.Read(cloud.NcPid).Rss;
        log.WriteLine("Warm-up (not counted): one baseline boot, one NC launch.");
        await baseline.BootAsync(NcLaunchRequest.NewInstanceId(), BootTimeout, ct);
        cloud.ClearImageCache();
        await TerminateAsync((await LaunchAsync(LaunchKind.NcCold, ct)).InstanceId, ct);

        for (var round = 0; round < options.Launches; round++)
            for (var k = 0; k < Kinds.Length; k++)
            {
                var kind = Kinds[(round + k) % Kinds.Length];
                var timing = kind == LaunchKind.Baseline
                    ? await baseline.BootAsync(NcLaunchRequest.NewInstanceId(), BootTimeout, ct)
                    : await LaunchAsync(kind, ct);
                if (kind != LaunchKind.Baseline)
                    await TerminateAsync(timing.InstanceId, ct);
                results.Launches.Add(timing);
                log.WriteLine(Inv($"  round {round + 1,2} {kind,-8} {timing.InstanceId}: call {Ms(timing.Call),6} ms, BOOT {Ms(timing.Boot),6} ms, READY {Ms(timing.Ready),6} ms, NC CPU {Ms(timing.NcCpu),4} ms"));
            }

        await MeasureMemoryAsync(results, ct);
    }

    /// <summary>NC RSS with no VM, then after each of N launches (to READY), then with all N running and settled.</summary>
    private async Task MeasureMemoryAsync(NcResults results, CancellationToken ct)
    {
        results.RssIdle.AddRange(await SettledRssAsync(cloud.NcPid, ct));
        log.WriteLine(Inv($"NC RSS with 0 VMs: {NcResults.Median(results.RssIdle) / NcReport.MiB:F1} MiB; launching {options.MemoryVms} VMs one after another."));
        var running = new List<(string Id, int Pid)>();
        try
        {
            for (var i = 0; i < options.MemoryVms; i++)
            {
                var id = NcLaunchRequest.NewInstanceId();
                var status = await RunInstanceAsync(id, ct);
                running.Add((id, status.Pid));
                await ConsoleMarkers.WaitAsync(cloud.ConsolePath(id), Stopwatch.StartNew(), BootTimeout, null, ct);
                results.RssAfterEach.Add(ProcessMemory.Read(cloud.NcPid).Rss);
            }
            results.RssWithVms.AddRange(await SettledRssAsync(cloud.NcPid, ct));
            results.QemuRssMean = (long)running.Average(r => ProcessMemory.Read(r.Pid).Rss);
            results.NcPeakRss = ProcessMemory.Read(cloud.NcPid).Peak;
            log.WriteLine(Inv($"NC RSS with {running.Count} VMs: {NcResults.Median(results.RssWithVms) / NcReport.MiB:F1} MiB (QEMU itself: {results.QemuRssMean / NcReport.MiB:F0} MiB each, not counted)."));
        }
        finally
        {
            await Task.WhenAll(running.Select(r => TerminateAsync(r.Id, CancellationToken.None)));
        }
    }

    /// <summary>RSS samples over 3 s, taken after a 3 s pause so a launch's transient allocations have settled.</summary>
    private static async Task<List<long>> SettledRssAsync(int pid, CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var samples = new List<long>();
        for (var i = 0; i < 16; i++)
        {
            samples.Add(ProcessMemory.Read(pid).Rss);
            await Task.Delay(TimeSpan.FromMilliseconds(200), ct);
        }
        return samples;
    }

    private async Task<LaunchTiming> LaunchAsync(LaunchKind kind, CancellationToken ct)
    {
        var id = NcLaunchRequest.NewInstanceId();
        if (kind == LaunchKind.NcCold)
            cloud.ClearImageCache();
        var cpu = ProcessCpu.Used(cloud.NcPid);
        var clock = Stopwatch.StartNew();
        await RunInstanceAsync(id, ct);
        var call = clock.Elapsed;
        var (boot, ready, line) = await ConsoleMarkers.WaitAsync(cloud.ConsolePath(id), clock, BootTimeout, null, ct);
        cpu = ProcessCpu.Used(cloud.NcPid) - cpu;
        // The same marker through the API the CC uses, with the id the NC's metadata service answered.
        var console = await cloud.Client.GetConsoleOutputAsync(new InstanceRef { InstanceId = id }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
        if (!console.Output.ToStringUtf8().Contains($"{ConsoleMarkers.Ready} instance-id={id} ", StringComparison.Ordinal))
            throw new InvalidOperationException($"GetConsoleOutput of {id} has no READY line with its instance id: {line}");
        return new LaunchTiming(kind, id, call, boot, ready, line, cpu);
    }

    private async Task<InstanceStatus> RunInstanceAsync(string id, CancellationToken ct)
    {
        var status = await cloud.Client.RunInstanceAsync(NcLaunchRequest.For(id, guest), deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: ct);
        cloud.Track(status.Pid);
        if (status.State != "running")
            throw new InvalidOperationException($"RunInstance {id} answered state {status.State}: {status.Reason}");
        return status;
    }

    private async Task TerminateAsync(string id, CancellationToken ct) =>
        await cloud.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct);

    private static string Ms(TimeSpan? t) => t is { } v ? v.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) : "—";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
