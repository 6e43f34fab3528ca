using Ironbark.Testing;
using System.Text.Json;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Bench.Nc;

/// <summary>
/// A cloud as an operator sets one up on one host: `ironbark init`, then `ironbark walrus` and
/// `ironbark nc --accel tcg` as their own processes on one data directory, the guest's images
/// uploaded with the cloud's system credentials (the ones the NC fetches with), and a gRPC client
/// with the CC's certificate (mutual TLS), as the CC would call the NC.
/// </summary>
public sealed class NcCloud : IAsyncDisposable
{
    public const string Bucket = "bench-images";
    private readonly string _pidFile;
    private ServerProcess? _clcProcess;
    private ServerProcess? _walrusProcess;
    private S3Target? _walrus;
    private ServerProcess? _nc;
    private GrpcChannel? _channel;

    private NcCloud(string dataDir, string pidFile)
    {
        DataDir = dataDir;
        _pidFile = pidFile;
    }

    public string DataDir { get; }
    public string ImagesDir => Path.Combine(DataDir, "nc", "images");
    public string InstancesDir => Path.Combine(DataDir, "nc", "instances");
    public int NcPid => _nc!.Pid;
    public NodeController.NodeControllerClient Client { get; private set; } = null!;

    public string ConsolePath(string instanceId) => Path.Combine(InstancesDir, instanceId, "console.log");

    public static async Task<NcCloud> StartAsync(string ironbark, string dataDir, GuestImages guest, string pidFile, CancellationToken ct)
    {
        var cloud = new NcCloud(dataDir, pidFile);
        try
        {
            await cloud.StartAsync(ironbark, guest, ct);
            return cloud;
        }
        catch
        {
            await cloud.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string ironbark, GuestImages guest, CancellationToken ct)
    {
        (_clcProcess, _walrusProcess, _walrus) = await WalrusLauncher.StartAsync(ironbark, DataDir, _pidFile, ct);
        using (var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDir, "pki", "system.credentials"), ct)))
        using (var system = new S3Target("Walrus", null, _walrus.Endpoint, credentials.RootElement.GetProperty("AccessKeyId").GetString()!,
                   credentials.RootElement.GetProperty("SecretAccessKey").GetString()!, "ironbark"))
        {
            await system.CreateBucketAsync(Bucket, ct);
            foreach (var (key, path) in new[] { ("vmlinux", guest.Kernel), ("initrd.img", guest.Ramdisk), ("root.img", guest.Disk) })
                await system.PutFileAsync(Bucket, key, path, ct);
        }

        var port = FreePort.Next();
        var (file, prefix) = WalrusLauncher.Command(ironbark);
        _nc = ServerProcess.Start("NC", file, [.. prefix, "nc", "--data-dir", DataDir, "--nc-listen", $"https://127.0.0.1:{port}",
            "--walrus-url", _walrus.Endpoint.ToString().TrimEnd('/'), "--accel", "tcg"], _pidFile);
        await _nc.WaitForPortAsync(port, TimeSpan.FromSeconds(60), ct);

        _channel = NcChannel.AsCc(DataDir, $"https://127.0.0.1:{port}");
        Client = new NodeController.NodeControllerClient(_channel);
        var node = await Client.DescribeNodeAsync(new DescribeNodeRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct);
        if (node.Acceleration != "tcg")
            throw new InvalidOperationException($"The NC runs with '{node.Acceleration}', not tcg.");
    }

    /// <summary>Empties the NC's image cache (the files, not its tmp/), so the next launch fetches every image from Walrus.</summary>
    public void ClearImageCache()
    {
        foreach (var file in Directory.EnumerateFiles(ImagesDir))
            File.Delete(file);
    }

    /// <summary>Notes a QEMU the NC started in the pid file, so bench/run-nc can kill it if the benchmark itself dies.</summary>
    public void Track(int qemuPid) => File.AppendAllText(_pidFile, $"{qemuPid}\n");

    public string NcOutput => _nc?.Output ?? "";

    public async ValueTask DisposeAsync()
    {
        if (_nc is not null && !_nc.HasExited && Client is not null)
        {
            try
            {
                var running = (await Client.DescribeInstancesAsync(new DescribeInstancesRequest(), deadline: DateTime.UtcNow.AddSeconds(10)))
                    .Instances.Where(i => i.State != "terminated");
                await Task.WhenAll(running.Select(i => Client.TerminateInstanceAsync(new InstanceRef { InstanceId = i.InstanceId },
                    deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync));
            }
            catch (Exception e) when (e is Grpc.Core.RpcException or HttpRequestException)
            {
                // Whatever is left is killed by its pid file below.
            }
        }
        _channel?.Dispose();
        _nc?.Dispose();
        QemuLeftovers.Kill(InstancesDir);
        _walrus?.Dispose();
        _walrusProcess?.Dispose();
        _clcProcess?.Dispose();
    }
}
