using System.Diagnostics;
using System.Text;

namespace Ironbark.Bench.Network;

/// <summary>
/// Phase scale: renders the <see cref="RulesetScale"/> groups the vpc driver's way and the naive way and loads each with
/// `nft -f` into a scratch namespace of its own, rounds alternating: a first load (empty namespace) and a reload over the
/// loaded tables (what every new view does), then counts what the kernel holds.
/// </summary>
internal static class ScalePhase
{
    public static async Task RunAsync(NetworkResults results, string workDir, int rounds, TextWriter log, CancellationToken ct)
    {
        var ports = RulesetScale.Ports();
        var views = RulesetScale.Views(ports);
        var kinds = new (ScaleKind Kind, Func<string> Render)[]
        {
            (ScaleKind.Ironbark, () => RulesetScale.Render(ports, views)),
            (ScaleKind.Naive, () => RulesetScale.Render(ports, RulesetScale.Naive(views))),
        };
        for (var round = 0; round < rounds; round++)
            foreach (var (kind, render) in round % 2 == 0 ? kinds : kinds.Reverse())
            {
                var clock = Stopwatch.StartNew();
                var text = render();
                var rendered = clock.Elapsed;
                var file = Path.Combine(workDir, $"ruleset-{kind}.nft");
                await File.WriteAllTextAsync(file, text, ct);
                await using var ns = await ScratchNamespace.CreateAsync("scale", ct);
                var first = await ns.ApplyAsync(file, ct);
                var reload = await ns.ApplyAsync(file, ct);
                var (rules, elements) = await ns.CountAsync(ct);
                var run = new ScaleRun(kind, rendered, first, reload, rules, elements, Encoding.UTF8.GetByteCount(text));
                results.Scale.Add(run);
                log.WriteLine($"scale {kind}: render {rendered.TotalMilliseconds:F0} ms, nft -f {first.TotalMilliseconds:F0} ms, again {reload.TotalMilliseconds:F0} ms; {rules} rules, {elements} set elements, {run.Bytes / 1024} KiB");
            }
    }
}
