namespace Ironbark.Bench.Nc;

/// <summary>The command line of `Ironbark.Bench nc`: the programs, the guest, where to work and where to write the report.</summary>
public sealed record NcBenchArguments(string Ironbark, string GuestDir, string WorkDir, string? Output, int Launches, int MemoryVms)
{
    private const string Usage =
        "usage: Ironbark.Bench nc --ironbark PATH --guest DIR --work-dir DIR [--out FILE.md] [--launches N] [--memory-vms N] [--quick]";

    public static NcBenchArguments Parse(string[] args)
    {
        var (values, quick) = CommandLine.ParseOptions(args, Usage);
        string Required(string name) => values.Required(name, Usage);
        int Count(string name, int full, int small) => values.TryGetValue(name, out var v) ? int.Parse(v) : quick ? small : full;
        return new NcBenchArguments(Required("ironbark"), Required("guest"), Required("work-dir"), values.GetValueOrDefault("out"),
            Count("launches", 10, 2), Count("memory-vms", 5, 2));
    }
}
