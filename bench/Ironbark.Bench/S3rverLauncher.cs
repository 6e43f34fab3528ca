namespace Ironbark.Bench;

/// <summary>Starts s3rver (the npm package) as a separate node process: the peer S3 server of the baseline.</summary>
public static class S3rverLauncher
{
    /// <summary>s3rver's fixed credentials.</summary>
    private const string Key = "S3RVER";

    public static async Task<(ServerProcess Process, S3Target Target)> StartAsync(string script, string dataDir, string pidFile, CancellationToken ct)
    {
        Directory.CreateDirectory(dataDir);
        var port = FreePort.Next();
        var process = ServerProcess.Start("s3rver", "node",
            [script, "--directory", dataDir, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--silent"],
            pidFile);
        try
        {
            await process.WaitForPortAsync(port, TimeSpan.FromSeconds(60), ct);
        }
        catch
        {
            process.Dispose();
            throw;
        }
        return (process, new S3Target("s3rver", process.Pid, new Uri($"http://127.0.0.1:{port}"), Key, Key, "us-east-1"));
    }
}
