using System.Diagnostics;

namespace Ironbark.Bench;

/// <summary>
/// Starts the real `ironbark walrus` as its own process on a fresh data directory, with the
/// cloud admin's credentials from `ironbark env`, as an operator would.
/// </summary>
public static class WalrusLauncher
{
    public static async Task<(ServerProcess Process, S3Target Target)> StartAsync(string ironbark, string dataDir, string pidFile, CancellationToken ct)
    {
        var env = await RunAsync(ironbark, ["env", "--data-dir", dataDir], ct);
        var exports = env.Split('\n')
            .Where(l => l.StartsWith("export ", StringComparison.Ordinal))
            .Select(l => l["export ".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
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
            exports["AWS_ACCESS_KEY_ID"], exports["AWS_SECRET_ACCESS_KEY"], exports["AWS_DEFAULT_REGION"]);
        return (process, target);
    }

    /// <summary>The apphost runs as is; a .dll runs under `dotnet` (in-process, so the id is still Walrus's).</summary>
    private static (string File, string[] Prefix) Command(string ironbark) =>
        ironbark.EndsWith(".dll", StringComparison.Ordinal) ? ("dotnet", [ironbark]) : (ironbark, []);

    private static async Task<string> RunAsync(string ironbark, string[] args, CancellationToken ct)
    {
        var (file, prefix) = Command(ironbark);
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in prefix.Concat(args))
            info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"ironbark {string.Join(' ', args)} failed ({process.ExitCode}): {await stderr}");
        return await stdout;
    }
}
