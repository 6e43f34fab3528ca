using Ironbark.Bench;
using Ironbark.Bench.Scale;

// The control-plane scale benchmark (bench/run-scale): a whole cloud in this process with many
// fake-hypervisor NCs, driven through the EC2 API; writes its section of docs/performance.md.
ScaleArguments options;
try
{
    options = ScaleArguments.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}
// A hard bound on the whole run; a normal one takes about a minute.
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(10));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var results = new ScaleResults(MachineInfo.Read(), DateTimeOffset.UtcNow, options);
Console.WriteLine($"Work directory {options.WorkDir}, load {results.Machine.LoadAverage}.");
Directory.CreateDirectory(options.WorkDir);
try
{
    await new ScaleBenchmark(options, Console.Out).RunAsync(results, cancel.Token);
}
catch (Amazon.Runtime.AmazonServiceException e)
{
    // The cloud said no: its answer is the whole story, not the SDK's stack.
    Console.Error.WriteLine($"The benchmark failed: the cloud answered {e.ErrorCode}: {e.Message}");
    return 1;
}
catch (Exception e)
{
    Console.Error.WriteLine(cancel.IsCancellationRequested ? $"The benchmark was stopped: {e.Message}" : $"The benchmark failed: {e}");
    return 1;
}
finally
{
    Directory.Delete(options.WorkDir, recursive: true);
}

results.Duration = DateTimeOffset.UtcNow - results.Started;
results.LoadAtEnd = MachineInfo.LoadNow();
var report = ScaleReport.ToMarkdown(results);
Console.WriteLine();
Console.WriteLine(report);
if (options.Output is { } output && results.PlacementError is null)
{
    ScaleReportFile.Write(output, report);
    Console.WriteLine($"Wrote {output}.");
}
var missed = ScaleReport.Missed(results).ToList();
Console.WriteLine(missed.Count == 0 ? "Every target met." : $"Targets missed: {string.Join("; ", missed)}.");
return results.PlacementError is null ? 0 : 1;
