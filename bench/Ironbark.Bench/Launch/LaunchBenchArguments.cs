namespace Ironbark.Bench.Launch;

/// <summary>The command line of `Ironbark.Bench launch`.</summary>
public sealed record LaunchBenchArguments(string Ironbark, string GuestDir, string WorkDir, string? Output, int Rounds, IReadOnlyList<string> Paths)
{
    public const string NcOnly = "nc";
    public const string Ec2 = "ec2";

    private const string Usage =
        "usage: Ironbark.Bench launch --ironbark PATH --guest DIR --work-dir DIR [--out FILE.md] [--rounds N] [--paths nc,ec2] [--quick]";

    public static LaunchBenchArguments Parse(string[] args)
    {
        var (values, quick) = CommandLine.ParseOptions(args, Usage);
        string Required(string name) => values.Required(name, Usage);
        var rounds = values.TryGetValue("rounds", out var r) ? int.Parse(r) : quick ? 1 : 5;
        var paths = (values.GetValueOrDefault("paths") ?? $"{NcOnly},{Ec2}").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (paths.Length == 0 || paths.Any(p => p is not (NcOnly or Ec2)))
            throw new ArgumentException($"--paths takes {NcOnly}, {Ec2} or both.\n{Usage}");
        return new LaunchBenchArguments(Required("ironbark"), Required("guest"), Required("work-dir"), values.GetValueOrDefault("out"), rounds, paths);
    }
}
