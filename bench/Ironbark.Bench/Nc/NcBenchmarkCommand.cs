namespace Ironbark.Bench.Nc;

/// <summary>
/// `Ironbark.Bench nc`: the Node Controller benchmark. Stands up Walrus and an NC as their own
/// processes, times launches against a hand-started QEMU, measures the NC's memory and writes the
/// report. Everything it starts (processes, QEMUs, files) is gone when it returns, also on failure.
/// </summary>
public static class NcBenchmarkCommand
{
    /// <summary>A hard bound on the whole run; a normal run takes 6-9 minutes on two shared cores.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = NcBenchArguments.Parse(args);
        using var cancel = BenchRun.Bounded(RunLimit);
        var ct = cancel.Token;
        var guest = GuestImages.Read(options.GuestDir);
        Directory.CreateDirectory(options.WorkDir);
        var pidFile = Path.Combine(options.WorkDir, "pids");
        var results = new NcResults(MachineInfo.Read(), DateTimeOffset.UtcNow, options.Launches, options.MemoryVms);
        Console.WriteLine($"Work directory {options.WorkDir}, load {results.Machine.LoadAverage}.");

        NcCloud? cloud = null;
        try
        {
            cloud = await NcCloud.StartAsync(options.Ironbark, Path.Combine(options.WorkDir, "cloud"), guest, pidFile, ct);
            Console.WriteLine($"Walrus and NC (pid {cloud.NcPid}) are up.");
            await using var metadata = new MetadataResponder(Path.Combine(options.WorkDir, "baseline-metadata.sock"));
            var baseline = new BaselineVm(guest, metadata, Path.Combine(options.WorkDir, "baseline"), pidFile, NcLaunchRequest.Cores, NcLaunchRequest.MemoryMib);
            await new NcBenchmark(cloud, baseline, guest, options, Console.Out).RunAsync(results, ct);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(ct.IsCancellationRequested ? $"The benchmark was stopped: {e.Message}" : $"The benchmark failed: {e}");
            if (cloud is not null)
                Console.Error.WriteLine($"--- NC output ---\n{cloud.NcOutput}");
            return 1;
        }
        finally
        {
            if (cloud is not null)
                await cloud.DisposeAsync();
            Directory.Delete(options.WorkDir, recursive: true);
        }

        results.Duration = DateTimeOffset.UtcNow - results.Started;
        results.LoadAtEnd = MachineInfo.LoadNow();
        BenchRun.Publish(NcReport.ToMarkdown(results, guest), options.Output, [.. NcReport.Missed(results)]);
        return 0;
    }
}
