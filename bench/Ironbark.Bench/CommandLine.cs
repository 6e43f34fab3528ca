using Ironbark.Common.Processes;

namespace Ironbark.Bench;

/// <summary>Runs a short command to its end (bounded by a minute) and fails with its output when it fails.</summary>
public static class CommandLine
{
    public static async Task<string> RunAsync(string file, IReadOnlyList<string> args, CancellationToken ct)
    {
        var (code, stdout, stderr) = await CommandRunner.RunAsync(file, args, TimeSpan.FromMinutes(1), ct);
        return code == 0 ? stdout : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({code}): {stderr}");
    }

    /// <summary>"--name value" pairs and the "--quick" flag; the rest is refused with <paramref name="usage"/>.</summary>
    public static (Dictionary<string, string> Values, bool Quick) ParseOptions(string[] args, string usage)
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
                throw new ArgumentException($"Unexpected argument '{args[i]}'.\n{usage}");
        }
        return (values, quick);
    }

    public static string Required(this Dictionary<string, string> values, string name, string usage) =>
        values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required.\n{usage}");
}
