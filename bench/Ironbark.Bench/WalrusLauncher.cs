namespace Ironbark.Bench;

/// <summary>
/// Starts the real `ironbark walrus` as its own process on a data directory (made a cloud with `ironbark init`
/// when it is not one), beside the `ironbark clc` it checks access keys with, and with the cloud admin's
/// credentials from `ironbark env`, as an operator would.
/// </summary>
public static class WalrusLauncher
{
    public static async Task<(ServerProcess Clc, ServerProcess Walrus, S3Target Target)> StartAsync(string ironbark, string dataDir, string pidFile,
        CancellationToken ct)
    {
        await RunAsync(ironbark, ["init", "--data-dir", dataDir], ct);
        var admin = await AdminCredentials.ReadAsync(ironbark, dataDir, ct);
        var (clcPort, identityPort) = (FreePort.Next(), FreePort.Next());
        var clc = await StartAsync("CLC", ironbark, ["clc", "--data-dir", dataDir, "--clc-listen", $"http://127.0.0.1:{clcPort}",
            "--clc-internal-listen", $"https://127.0.0.1:{identityPort}"], identityPort, pidFile, ct);
        var port = FreePort.Next();
        ServerProcess walrus;
        try
        {
            walrus = await StartAsync("Walrus", ironbark, ["walrus", "--data-dir", dataDir, "--walrus-listen", $"http://127.0.0.1:{port}",
                "--clc-url", $"https://127.0.0.1:{identityPort}"], port, pidFile, ct);
        }
        catch
        {
            clc.Dispose();
            throw;
        }
        var target = new S3Target("Walrus", walrus.Pid, new Uri($"http://127.0.0.1:{port}"),
            admin.AccessKeyId, admin.SecretAccessKey, admin.Region);
        return (clc, walrus, target);
    }

    private static async Task<ServerProcess> StartAsync(string name, string ironbark, string[] args, int port, string pidFile, CancellationToken ct)
    {
        var (file, prefix) = Command(ironbark);
        var process = ServerProcess.Start(name, file, [.. prefix, .. args], pidFile);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), ct);
            return process;
        }
        catch
        {
            process.Dispose();
            throw;
        }
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
