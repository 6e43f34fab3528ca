using System.Diagnostics;
using System.Text.Json;

namespace Ironbark.Bench.Network;

/// <summary>
/// A network namespace of the benchmark's own (ibb-&lt;pid&gt;-&lt;name&gt;) to load nftables rulesets into; disposal deletes
/// it, and its tables with it.
/// </summary>
public sealed class ScratchNamespace : IAsyncDisposable
{
    private ScratchNamespace(string name) => Name = name;

    public string Name { get; }

    public static async Task<ScratchNamespace> CreateAsync(string name, CancellationToken ct)
    {
        var ns = new ScratchNamespace($"ibb-{Environment.ProcessId}-{name}");
        await CommandLine.RunAsync("ip", ["netns", "add", ns.Name], ct);
        return ns;
    }

    /// <summary>Loads <paramref name="file"/> with `nft -f` and returns the wall time of the whole command.</summary>
    public async Task<TimeSpan> ApplyAsync(string file, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await CommandLine.RunAsync("ip", ["netns", "exec", Name, "nft", "-f", file], ct);
        return clock.Elapsed;
    }

    /// <summary>What the kernel holds after a load: its rules, and the elements of its named sets and maps.</summary>
    public async Task<(int Rules, int SetElements)> CountAsync(CancellationToken ct)
    {
        using var json = JsonDocument.Parse(await CommandLine.RunAsync("ip", ["netns", "exec", Name, "nft", "-j", "list", "ruleset"], ct));
        int rules = 0, elements = 0;
        foreach (var item in json.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("rule", out _))
                rules++;
            foreach (var kind in new[] { "set", "map" })
                if (item.TryGetProperty(kind, out var set) && set.TryGetProperty("elem", out var elem))
                    elements += elem.GetArrayLength();
        }
        return (rules, elements);
    }

    public async ValueTask DisposeAsync() =>
        await CommandLine.RunAsync("ip", ["netns", "del", Name], CancellationToken.None);
}
