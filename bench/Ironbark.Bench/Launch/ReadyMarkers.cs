using System.Diagnostics;
using Ironbark.Bench.Nc;

namespace Ironbark.Bench.Launch;

/// <summary>Waits for the READY line of several instances on one stopwatch and checks each carries its own instance id (metadata reached the guest).</summary>
public static class ReadyMarkers
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>When the last of them printed READY.</summary>
    public static async Task<TimeSpan> LastAsync(IReadOnlyList<string> instanceIds, Func<string, string> consolePath, Stopwatch clock, CancellationToken ct)
    {
        var ready = await Task.WhenAll(instanceIds.Select(async id =>
        {
            var (_, at, line) = await ConsoleMarkers.WaitAsync(consolePath(id), clock, Timeout, null, ct);
            if (!line.Contains($"instance-id={id}", StringComparison.Ordinal))
                throw new InvalidOperationException($"The READY line of {id} names another instance: {line}");
            return at;
        }));
        return ready.Max();
    }
}
