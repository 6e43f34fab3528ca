using Ironbark.Bench;
using Ironbark.Bench.Launch;
using Ironbark.Bench.Nc;
using Ironbark.Bench.Network;

// The Walrus benchmark: starts Walrus and s3rver as their own processes, drives them and the raw
// disk with the same load, and writes the figures to a Markdown report. Run it through bench/run.
// `nc` runs the Node Controller benchmark instead (bench/run-nc), `launch` the launch benchmark
// through the CLC and CC (bench/run-launch), `network` the VM network benchmark (bench/run-network).
if (args is ["nc", .. var ncArgs])
    return await NcBenchmarkCommand.RunAsync(ncArgs);
if (args is ["network", .. var networkArgs])
    return await NetworkBenchmarkCommand.RunAsync(networkArgs);
if (args is ["launch", .. var launchArgs])
    return await LaunchBenchmarkCommand.RunAsync(launchArgs);
var options = BenchArguments.Parse(args);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
var plan = options.Quick ? BenchmarkPlan.Quick : new BenchmarkPlan();
if (options.Only is { } only)
    plan = plan with { Phases = only };

Directory.CreateDirectory(options.WorkDir);
var free = new DriveInfo(Path.GetFullPath(options.WorkDir)).AvailableFreeSpace;
if (free < plan.RequiredFreeBytes)
{
    Console.Error.WriteLine($"{options.WorkDir} has {free >> 30} GiB free; the run needs {plan.RequiredFreeBytes >> 30} GiB.");
    return 2;
}
var pidFile = Path.Combine(options.WorkDir, "pids");
var results = new BenchmarkResults(plan, MachineInfo.Read(), DateTimeOffset.UtcNow);
Console.WriteLine($"Work directory {options.WorkDir} ({free >> 30} GiB free), load {results.Machine.LoadAverage}.");

ServerProcess? clcProcess = null, walrusProcess = null, s3rverProcess = null;
S3Target? walrus = null, s3rver = null;
try
{
    (clcProcess, walrusProcess, walrus) = await WalrusLauncher.StartAsync(options.Ironbark, Path.Combine(options.WorkDir, "walrus"), pidFile, ct);
    (s3rverProcess, s3rver) = await S3rverLauncher.StartAsync(options.S3rverScript, Path.Combine(options.WorkDir, "s3rver"), pidFile, ct);
    var disk = new DiskTarget(Path.Combine(options.WorkDir, "disk"));
    Console.WriteLine($"Walrus pid {walrus.Pid}, s3rver pid {s3rver.Pid}.");
    await new WalrusBenchmark(plan, [disk, walrus, s3rver], Console.Out).RunAsync(results, ct);
}
catch (Exception e) when (e is not OperationCanceledException)
{
    Console.Error.WriteLine($"The benchmark failed: {e}");
    foreach (var server in new[] { clcProcess, walrusProcess, s3rverProcess })
        if (server is not null)
            Console.Error.WriteLine($"--- {server.Name} output ---\n{server.Output}");
    return 1;
}
finally
{
    walrus?.Dispose();
    s3rver?.Dispose();
    walrusProcess?.Dispose();
    clcProcess?.Dispose();
    s3rverProcess?.Dispose();
    Directory.Delete(options.WorkDir, recursive: true);
}

results.Duration = DateTimeOffset.UtcNow - results.Started;
results.LoadAtEnd = MachineInfo.LoadNow();
var report = PerformanceReport.ToMarkdown(results, options.S3rverVersion);
Console.WriteLine();
Console.WriteLine(report);
if (options.Output is { } output)
{
    ReportFile.Write(output, report);
    Console.WriteLine($"Wrote {output}.");
}
var missed = PerformanceReport.MissedTargets(results).ToList();
Console.WriteLine(missed.Count == 0 ? "Every target met." : $"Targets missed: {string.Join("; ", missed)}.");
return 0;
