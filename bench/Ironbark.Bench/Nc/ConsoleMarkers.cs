using System.Diagnostics;
using System.Text;

namespace Ironbark.Bench.Nc;

/// <summary>
/// Watches a serial console file and notes, on one stopwatch, when the guest's boot and ready
/// markers first appear. Baseline and NC launches are timed by this same code.
/// </summary>
public static class ConsoleMarkers
{
    public const string Boot = "IRONBARK-BOOT";
    public const string Ready = "IRONBARK-READY";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="path"/> until the READY line is complete; returns when BOOT and READY were seen, and the READY line.</summary>
    public static async Task<(TimeSpan Boot, TimeSpan Ready, string ReadyLine)> WaitAsync(string path, Stopwatch clock, TimeSpan timeout,
        Func<bool>? stillRunning, CancellationToken ct)
    {
        var text = new StringBuilder();
        var buffer = new byte[16 * 1024];
        long offset = 0;
        TimeSpan? boot = null;
        while (true)
        {
            if (File.Exists(path))
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                file.Seek(offset, SeekOrigin.Begin);
                int read;
                while ((read = await file.ReadAsync(buffer, ct)) > 0)
                {
                    offset += read;
                    text.Append(Encoding.UTF8.GetString(buffer, 0, read));
                }
            }
            var console = text.ToString();
            if (boot is null && console.Contains(Boot, StringComparison.Ordinal))
                boot = clock.Elapsed;
            var at = console.IndexOf(Ready, StringComparison.Ordinal);
            var end = at < 0 ? -1 : console.IndexOf('\n', at);
            if (end > 0)
                return (boot ?? clock.Elapsed, clock.Elapsed, console[at..end].TrimEnd('\r'));
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"No {Ready} on {path} after {timeout.TotalSeconds:F0} s. Console:\n{Tail(console)}");
            if (stillRunning is not null && !stillRunning())
                throw new InvalidOperationException($"The VM exited before {Ready}. Console:\n{Tail(console)}");
            await Task.Delay(Poll, ct);
        }
    }

    private static string Tail(string console) => console.Length > 2000 ? console[^2000..] : console;
}
