namespace Ironbark.Testing;

/// <summary>
/// The Debian 12 guest (cloud-init, sshd), built once by scripts/build-debian-guest and cached by the digest of its
/// inputs: the directory `ironbark up --debian-guest` installs it from. A failed build fails the test; nothing is skipped.
/// </summary>
public static class DebianGuest
{
    private static readonly SemaphoreSlim BuildLock = new(1, 1);
    private static string? _built;

    /// <summary>The default user cloud-init makes and gives the key pair's key (docs/debian-guest.md).</summary>
    public const string DefaultUser = "debian";

    public static async Task<string> BuildAsync()
    {
        await BuildLock.WaitAsync();
        try
        {
            if (_built is not null)
                return _built;
            var script = Path.Combine(TestGuest.RepoRoot(), "scripts", "build-debian-guest");
            var (code, stdout, stderr) = await ProcessRunner.RunAsync(script, [], timeout: TimeSpan.FromMinutes(30));
            if (code != 0)
                throw new InvalidOperationException($"scripts/build-debian-guest failed ({code}): {stderr}");
            _built = stdout.Trim().Split('\n')[^1];
            return _built;
        }
        finally
        {
            BuildLock.Release();
        }
    }
}
