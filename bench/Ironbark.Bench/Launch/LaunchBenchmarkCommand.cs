using Ironbark.Bench.Nc;

namespace Ironbark.Bench.Launch;

/// <summary>
/// `Ironbark.Bench launch`: RunInstances through `ironbark up` (CLC → CC → NC) against RunInstance
/// straight to an NC, to running and to READY, for 1 and for 5 instances at once. Everything it
/// starts (processes, QEMUs, files) is gone when it returns, also on failure.
/// </summary>
public static class LaunchBenchmarkCommand
{
    /// <summary>A hard bound on the whole run; a full run takes about 5-10 minutes on two shared cores.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(25);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LaunchBenchArguments.Parse(args);
        using var cancel = BenchRun.Bounded(RunLimit);
        var ct = cancel.Token;
        var guest = GuestImages.Read(options.GuestDir);
        Directory.CreateDirectory(options.WorkDir);
        var pidFile = Path.Combine(options.WorkDir, "pids");
        var results = new LaunchResults(MachineInfo.Read(), DateTimeOffset.UtcNow, options.Rounds);
        Console.WriteLine($"Work directory {options.WorkDir}, load {results.Machine.LoadAverage}.");

        NcCloud? node = null;
        AllInOneCloud? cloud = null;
        try
        {
            var paths = new List<ILaunchPath>();
            if (options.Paths.Contains(LaunchBenchArguments.NcOnly))
            {
                node = await NcCloud.StartAsync(options.Ironbark, Path.Combine(options.WorkDir, "node"), guest, pidFile, ct);
                paths.Add(new NcOnlyPath(node, guest));
                Console.WriteLine($"NC only: Walrus and NC (pid {node.NcPid}) are up.");
            }
            if (options.Paths.Contains(LaunchBenchArguments.Ec2))
            {
                cloud = await AllInOneCloud.StartAsync(options.Ironbark, Path.Combine(options.WorkDir, "cloud"), options.GuestDir, pidFile, ct);
                paths.Add(new Ec2Path(cloud, pidFile));
                Console.WriteLine($"EC2: ironbark up (pid {cloud.Pid}) is up, test guest {cloud.ImageId}.");
            }
            await new LaunchBenchmark(paths, options.Rounds, Console.Out).RunAsync(results, ct);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(ct.IsCancellationRequested ? $"The benchmark was stopped: {e.Message}" : $"The benchmark failed: {e}");
            if (cloud is not null)
                Console.Error.WriteLine($"--- ironbark up output ---\n{cloud.Output}");
            if (node is not null)
                Console.Error.WriteLine($"--- NC output ---\n{node.NcOutput}");
            return 1;
        }
        finally
        {
            if (cloud is not null)
                await cloud.DisposeAsync();
            if (node is not null)
                await node.DisposeAsync();
            Directory.Delete(options.WorkDir, recursive: true);
        }

        results.Duration = DateTimeOffset.UtcNow - results.Started;
        results.LoadAtEnd = MachineInfo.LoadNow();
        BenchRun.Publish(LaunchReport.ToMarkdown(results), options.Output,
            [.. LaunchReport.Overheads(results).Where(o => !o.Met).Select(o => $"{o.Count} to {o.To}")]);
        return 0;
    }
}
