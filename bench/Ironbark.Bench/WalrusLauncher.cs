namespace Ironbark.Bench;

/// <summary>
/// Starts the real `ironbark walrus` as its own process on a fresh data directory, with the
/// cloud admin's credentials from `ironbark env`, as an operator would.
/// </summary>
public static class WalrusLauncher
{
    public static async Task<(ServerProcess Process, S3Target Target)> StartAsync(string ironbark, string dataDir, string pidFile, CancellationToken ct)
    {
        var admin = await AdminCredentials.ReadAsync(ironbark, dataDir, ct);
        var port = FreePort.Next();
        var (file, prefix) = Command(ironbark);
        var process = ServerProcess.Start("Walrus", file,
            [.. prefix, "walrus", "--data-dir", dataDir, "--walrus-listen", $"http://127.0.0.1:{port}"], pidFile);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        var target = new S3Target("Walrus", process.Pid, new Uri($"http://127.0.0.1:{port}"),
            admin.AccessKeyId, admin.SecretAccessKey, admin.Region);
        return (process, target);
    }

    /// <summary>The apphost runs as is; a .dll runs under `dotnet` (in-process, so the id is still Walrus's).</summary>
    internal static (string File, string[] Prefix) Command(string ironbark) =>
        ironbark.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", [ironbark]) : (ironbark, []);

    internal static Task<string> RunAsync(string ironbark, string[] args, CancellationToken ct)
    {
        var (file, prefix) = Command(ironbark);
        return CommandLine.RunAsync(file, [.. prefix, .. args], ct);
    }
}
