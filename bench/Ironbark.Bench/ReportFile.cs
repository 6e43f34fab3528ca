namespace Ironbark.Bench;

/// <summary>
/// Writes the generated report, keeping the hand-written notes below <see cref="NotesMarker"/>
/// in the existing file, so a re-run refreshes the numbers without losing their interpretation.
/// </summary>
public static class ReportFile
{
    public const string NotesMarker = "<!-- Notes below this line are kept when bench/run rewrites the file. -->";

    public static void Write(string path, string report)
    {
        var notes = "";
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path);
            var at = existing.IndexOf(NotesMarker, StringComparison.Ordinal);
            if (at >= 0)
                notes = existing[(at + NotesMarker.Length)..].TrimStart('\n');
        }
        File.WriteAllText(path, $"{report.TrimEnd()}\n\n{NotesMarker}\n\n{notes}".TrimEnd() + "\n");
    }
}
