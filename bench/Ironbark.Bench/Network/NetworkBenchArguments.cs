namespace Ironbark.Bench.Network;

/// <summary>The command line of `Ironbark.Bench network`: where to work, where to write the report, which phases and how many of each.</summary>
public sealed record NetworkBenchArguments(string WorkDir, string? Output, IReadOnlyList<string> Phases, int ScaleRounds, int RuleChanges, int AddressRounds)
{
    public static readonly string[] AllPhases = ["scale", "rules", "addresses"];

    private const string Usage =
        "usage: Ironbark.Bench network --work-dir DIR [--out FILE.md] [--only scale,rules,addresses] [--scale-rounds N] [--rule-changes N] [--address-rounds N] [--quick]";

    public static NetworkBenchArguments Parse(string[] args)
    {
        var (values, quick) = CommandLine.ParseOptions(args, Usage);
        int Count(string name, int full, int small) => values.TryGetValue(name, out var v) ? int.Parse(v) : quick ? small : full;
        var phases = values.TryGetValue("only", out var only) ? only.Split(',', StringSplitOptions.RemoveEmptyEntries) : AllPhases;
        if (phases.FirstOrDefault(p => !AllPhases.Contains(p)) is { } unknown)
            throw new ArgumentException($"Unknown phase '{unknown}'.\n{Usage}");
        return new NetworkBenchArguments(values.Required("work-dir", Usage), values.GetValueOrDefault("out"), phases,
            Count("scale-rounds", 3, 1), Count("rule-changes", 20, 4), Count("address-rounds", 10, 2));
    }
}
