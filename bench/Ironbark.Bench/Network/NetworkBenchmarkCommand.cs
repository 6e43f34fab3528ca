namespace Ironbark.Bench.Network;

/// <summary>
/// `Ironbark.Bench network`: the VM network benchmark (bench/run-network). Phase scale needs no VM; phases rules and
/// addresses share one <see cref="NetworkLab"/>. Everything it starts (namespaces, NCs, QEMU, dnsmasq, files) is gone when it
/// returns, also on failure; a phase that fails is reported as such and the others still run.
/// </summary>
public static class NetworkBenchmarkCommand
{
    /// <summary>A hard bound on the whole run; a full run takes about 5 minutes on two shared cores.</summary>
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(15);
    private const string PublicIp = "203.0.113.10";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = NetworkBenchArguments.Parse(args);
        using var cancel = BenchRun.Bounded(RunLimit);
        var ct = cancel.Token;
        Directory.CreateDirectory(options.WorkDir);
        var results = new NetworkResults(MachineInfo.Read(), DateTimeOffset.UtcNow, options.Phases);
        Console.WriteLine($"Work directory {options.WorkDir}, load {results.Machine.LoadAverage}.");
        try
        {
            if (options.Phases.Contains("scale"))
                await Phase(results, "scale", () => ScalePhase.RunAsync(results, options.WorkDir, options.ScaleRounds, Console.Out, ct));
            if (options.Phases.Contains("rules") || options.Phases.Contains("addresses"))
                await Phase(results, "lab", async () =>
                {
                    await using var lab = await NetworkLab.StartAsync(PublicIp, Console.Out, ct);
                    var phases = new EnforcementPhases(lab, PublicIp, results, Console.Out);
                    if (options.Phases.Contains("rules"))
                        await Phase(results, "rules", () => phases.RulesAsync(options.RuleChanges, ct));
                    if (options.Phases.Contains("addresses"))
                        await Phase(results, "addresses", () => phases.AddressesAsync(options.AddressRounds, ct));
                });
        }
        finally
        {
            Directory.Delete(options.WorkDir, recursive: true);
        }
        results.Duration = DateTimeOffset.UtcNow - results.Started;
        results.LoadAtEnd = MachineInfo.LoadNow();
        BenchRun.Publish(NetworkReport.ToMarkdown(results), options.Output, [.. NetworkReport.Missed(results)]);
        return results.Failures.Count == 0 ? 0 : 1;
    }

    private static async Task Phase(NetworkResults results, string name, Func<Task> run)
    {
        try
        {
            await run();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"Phase {name} failed: {e}");
            results.Failures.Add($"{name}: {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }
}
