namespace Ironbark.Bench;

/// <summary>What every benchmark command does around its measurements: a bounded run that Ctrl-C stops, and the report at the end.</summary>
public static class BenchRun
{
    /// <summary>A token cancelled after <paramref name="limit"/> or on Ctrl-C, whichever comes first.</summary>
    public static CancellationTokenSource Bounded(TimeSpan limit)
    {
        var cancel = new CancellationTokenSource(limit);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return cancel;
    }

    /// <summary>Prints the report, writes it to <paramref name="output"/> when given, and says which targets were missed.</summary>
    public static void Publish(string report, string? output, IReadOnlyList<string> missed)
    {
        Console.WriteLine();
        Console.WriteLine(report);
        if (output is not null)
        {
            ReportFile.Write(output, report);
            Console.WriteLine($"Wrote {output}.");
        }
        Console.WriteLine(missed.Count == 0 ? "Every target met." : $"Targets missed: {string.Join("; ", missed)}.");
    }
}
