using Ironbark.Testing;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Ironbark.Bench.Nc;

namespace Ironbark.Bench.Launch;

/// <summary>
/// `ironbark up --accel tcg --demo-guest DIR` as its own process, every listener on a loopback port
/// the kernel picks (read back from what it prints), with an EC2 client as the cloud admin
/// (`ironbark env`) and the id of the test guest image once the CLC lists it.
/// </summary>
public sealed class AllInOneCloud : IAsyncDisposable
{
    public const string GuestImageName = "ironbark-test-guest";
    private const string Ec2Line = "EC2 (CLC):";
    private const string GuestLine = "Test guest:";
    private const string GuestFailedLine = "Could not install the test guest";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private readonly TaskCompletionSource<string> _ec2Url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _guestInstalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ServerProcess? _process;

    private AllInOneCloud(string dataDir) => DataDir = dataDir;

    public string DataDir { get; }
    public int Pid => _process!.Pid;
    public AmazonEC2Client Ec2 { get; private set; } = null!;
    public string ImageId { get; private set; } = "";
    public string Output => _process?.Output ?? "";

    public string ConsolePath(string instanceId) => Path.Combine(DataDir, "nc", "instances", instanceId, "console.log");

    public string QemuPidPath(string instanceId) => Path.Combine(DataDir, "nc", "instances", instanceId, "qemu.pid");

    public static async Task<AllInOneCloud> StartAsync(string ironbark, string dataDir, string guestDir, string pidFile, CancellationToken ct)
    {
        var cloud = new AllInOneCloud(dataDir);
        try
        {
            await cloud.StartAsync(ironbark, guestDir, pidFile, ct);
            return cloud;
        }
        catch
        {
            await cloud.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(string ironbark, string guestDir, string pidFile, CancellationToken ct)
    {
        var (file, prefix) = WalrusLauncher.Command(ironbark);
        _process = ServerProcess.Start("ironbark up", file,
        [
            .. prefix, "up", "--data-dir", DataDir, "--accel", "tcg", "--demo-guest", guestDir,
            "--clc-listen", "http://127.0.0.1:0", "--clc-internal-listen", "https://127.0.0.1:0", "--walrus-listen", "http://127.0.0.1:0",
            "--cc-listen", "https://127.0.0.1:0", "--nc-listen", "https://127.0.0.1:0",
        ], pidFile, OnLine);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(StartTimeout);
        var exited = WaitForExitAsync(timeout.Token);
        var ec2Url = await UnlessExitedAsync(_ec2Url.Task, exited, timeout.Token);
        await UnlessExitedAsync(_guestInstalled.Task, exited, timeout.Token);

        var admin = await AdminCredentials.ReadAsync(ironbark, DataDir, ct);
        Ec2 = new AmazonEC2Client(new BasicAWSCredentials(admin.AccessKeyId, admin.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = ec2Url, AuthenticationRegion = admin.Region, MaxErrorRetry = 0 });
        ImageId = await WaitForImageAsync(timeout.Token);
    }

    /// <summary>The machine image named <see cref="GuestImageName"/>, as the admin's DescribeImages lists it (polled: up registers it after it prints its addresses).</summary>
    private async Task<string> WaitForImageAsync(CancellationToken ct)
    {
        while (true)
        {
            var images = await Ec2.DescribeImagesAsync(new DescribeImagesRequest
            {
                Owners = ["self"], Filters = [new Filter("name", [GuestImageName])],
            }, ct);
            if (images.Images?.FirstOrDefault(i => i.State == ImageState.Available) is { } image)
                return image.ImageId;
            await Task.Delay(200, ct);
        }
    }

    /// <summary>What <paramref name="task"/> gives, unless the process exits first (then why) or <paramref name="ct"/> ends the wait.</summary>
    private static async Task<T> UnlessExitedAsync<T>(Task<T> task, Task exited, CancellationToken ct)
    {
        await Task.WhenAny(task, exited).WaitAsync(ct);
        if (!task.IsCompleted)
            await exited;
        return await task;
    }

    /// <summary>Completes (by failing) when the process exits before it is ready: its output says why.</summary>
    private async Task WaitForExitAsync(CancellationToken ct)
    {
        while (!_process!.HasExited)
            await Task.Delay(100, ct);
        throw new InvalidOperationException($"ironbark up exited before it was ready:\n{Output}");
    }

    private void OnLine(string line)
    {
        if (line.IndexOf(Ec2Line, StringComparison.Ordinal) is var ec2 and >= 0)
            _ec2Url.TrySetResult(line[(ec2 + Ec2Line.Length)..].Trim());
        if (line.Contains(GuestLine, StringComparison.Ordinal))
            _guestInstalled.TrySetResult(line.Trim());
        if (line.Contains(GuestFailedLine, StringComparison.Ordinal))
            _guestInstalled.TrySetException(new InvalidOperationException($"ironbark up: {line.Trim()}"));
    }

    /// <summary>Terminates what is left through the EC2 API, then stops `up` and kills any QEMU of its NC that survived.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Ec2 is not null && _process is { HasExited: false })
        {
            try
            {
                var live = (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest()))
                    .Reservations?.SelectMany(r => r.Instances ?? []).Where(i => i.State.Name != InstanceStateName.Terminated)
                    .Select(i => i.InstanceId).ToList() ?? [];
                if (live.Count > 0)
                    await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = live });
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException)
            {
                // Whatever is left is killed by its pid file below.
            }
        }
        Ec2?.Dispose();
        _process?.Dispose();
        QemuLeftovers.Kill(Path.Combine(DataDir, "nc", "instances"));
    }
}
