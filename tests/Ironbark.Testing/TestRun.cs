namespace Ironbark.Testing;

/// <summary>
/// What one test run (one test assembly's process) shares across its classes, such as one PostgreSQL server:
/// disposed by <see cref="TestRunFramework"/> when the last test has run, passed or failed.
/// </summary>
public static class TestRun
{
    private static readonly List<IAsyncDisposable> Owned = [];
    private static volatile bool _hooked;

    /// <summary>Disposes <paramref name="resource"/> when the run ends.</summary>
    /// <exception cref="InvalidOperationException">The test assembly does not run under <see cref="TestRunFramework"/>, so nothing would.</exception>
    public static void Own(IAsyncDisposable resource)
    {
        // The test host is killed 100 ms after the run, too soon for a process-exit handler to stop a server.
        if (!_hooked)
            throw new InvalidOperationException(
                $"Nothing would stop what this test run shares: add [assembly: TestFramework({nameof(TestRunFramework)}.{nameof(TestRunFramework.TypeName)}, " +
                $"{nameof(TestRunFramework)}.{nameof(TestRunFramework.AssemblyName)})] to the test assembly.");
        lock (Owned)
            Owned.Add(resource);
    }

    internal static void Hook() => _hooked = true;

    /// <summary>Disposes what the run owns, the last owned first; every one is tried, the first error rethrown.</summary>
    internal static async Task EndAsync()
    {
        IAsyncDisposable[] owned;
        lock (Owned)
        {
            owned = [.. Owned];
            Owned.Clear();
        }
        Exception? first = null;
        foreach (var resource in owned.Reverse())
        {
            try
            {
                await resource.DisposeAsync();
            }
            catch (Exception e)
            {
                first ??= e;
            }
        }
        if (first is not null)
            throw first;
    }
}
