namespace Ironbark.Bench;

/// <summary>The command line: where the programs are, where to work and where to write the report.</summary>
public sealed record BenchArguments(string Ironbark, string S3rverScript, string S3rverVersion, string WorkDir, string? Output, bool Quick, IReadOnlySet<Phase>? Only)
{
    private const string Usage =
        "usage: Ironbark.Bench --ironbark PATH --s3rver PATH/s3rver.js --s3rver-version V --work-dir DIR [--out FILE.md] [--quick] [--only Phase,Phase]";

    public static BenchArguments Parse(string[] args)
    {
        var (values, quick) = CommandLine.ParseOptions(args, Usage);
        string Required(string name) => values.Required(name, Usage);
        return new BenchArguments(Required("ironbark"), Required("s3rver"), values.GetValueOrDefault("s3rver-version", "?"),
            Required("work-dir"), values.GetValueOrDefault("out"), quick,
            values.TryGetValue("only", out var only) ? only.Split(',').Select(p => Enum.Parse<Phase>(p, ignoreCase: true)).ToHashSet() : null);
    }
}
