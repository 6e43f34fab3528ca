namespace Ironbark.Bench.Nc;

/// <summary>The command line of `Ironbark.Bench nc`: the programs, the guest, where to work and where to write the report.</summary>
public sealed record NcBenchArguments(string Ironbark, string GuestDir, string WorkDir, string? Output, int Launches, int MemoryVms)
{
    private const string Usage =
        "usage: Ironbark.Bench nc --ironbark PATH --guest DIR --work-dir DIR [--out FILE.md] [--launches N] [--memory-vms N] [--quick]";

    public static NcBenchArguments Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        var quick = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--quick")
                quick = true;
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
                values[args[i][2..]] = args[++i];
            else
                throw new ArgumentException($"Unexpected argument '{args[i]}'.\n{Usage}");
        }
        string Required(string name) => values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.\n{Usage}");
        int Count(string name, int full, int small) => values.TryGetValue(name, out var v) ? int.Parse(v) : quick ? small : full;
        return new NcBenchArguments(Required("ironbark"), Required("guest"), Required("work-dir"), values.GetValueOrDefault("out"),
            Count("launches", 10, 2), Count("memory-vms", 5, 2));
    }
}
