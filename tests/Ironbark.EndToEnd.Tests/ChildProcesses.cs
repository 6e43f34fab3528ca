using System.Collections.Concurrent;
using System.Diagnostics;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// Every server process the tests started and have not yet seen exit. Fixtures kill their own;
/// this is the last line, so that even an aborted test run leaves no ironbark behind.
/// </summary>
internal static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
            KillQuietly(process);
    };

    public static void Track(Process process) => Running[process.Id] = process;

    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    public static void KillQuietly(Process process)
    {
        try
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
