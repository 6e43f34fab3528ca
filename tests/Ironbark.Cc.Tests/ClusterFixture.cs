using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Cloud;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Nc.Drivers.Qemu;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Tests;

/// <summary>
/// A Walrus (its own, or a shared one holding the test guest), two real Node Controllers and a Cluster Controller
/// polling them, each with its own data directory and the one cloud CA, reached over gRPC with mTLS as the
/// CLC would. Every QEMU the nodes started is gone after disposal, also when a test failed.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(1);

    private readonly TempDir _dir = new();
    private readonly ImageWalrus _images;
    private readonly bool _ownsImages;
    private GrpcChannel? _channel;

    public WalrusHost Walrus => _images.Walrus;
    public TestGuest? Guest => _images.Guest;
    public CloudCertificates Pki { get; private set; } = null!;
    /// <summary>The two NCs and the CC, composed as a host composes them.</summary>
    public RunningCloud Cloud { get; private set; } = null!;
    public NcServer[] Nodes { get; } = new NcServer[2];
    public NcOptions[] NodeOptions { get; } = new NcOptions[2];
    public CcOptions Options { get; private set; } = null!;
    public CcServer Server => Cloud.Get<CcServer>();
    public ClusterController.ClusterControllerClient Client { get; private set; } = null!;

    /// <summary>A cluster with a Walrus of its own, without the test guest (the one public constructor xUnit needs of a class fixture).</summary>
    public ClusterFixture() : this(images: null)
    {
    }

    /// <param name="images">The store the nodes fetch from, started and disposed by its owner; null for one of the cluster's own.</param>
    internal ClusterFixture(ImageWalrus? images)
    {
        _images = images ?? new ImageWalrus(withGuest: false);
        _ownsImages = images is null;
    }

    public async Task InitializeAsync()
    {
        if (_ownsImages)
            await _images.InitializeAsync();
        var key = _images.NodeKey;
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
        var composition = new CloudComposition();
        for (var i = 0; i < Nodes.Length; i++)
        {
            NodeOptions[i] = new NcOptions
            {
                DataDir = DataDir($"nc{i}"), Url = "https://127.0.0.1:0", NodeId = $"node-{i}", WalrusUrl = Walrus.Endpoint.ToString(),
                AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey,
                Cores = 2 + 2 * i, MemoryMib = 1024 * (i + 1), Acceleration = "tcg", TerminateGrace = TimeSpan.FromSeconds(1),
            };
            var options = NodeOptions[i];
            composition.AddNc(_ => options, Logging);
        }
        composition.AddCc(cloud => Options = new CcOptions
        {
            DataDir = DataDir("cc"), Url = "https://127.0.0.1:0", Cluster = "zone-1",
            Nodes = [.. cloud.FindAll<NcServer>().Select(n => n.Endpoint.ToString())], PollInterval = PollInterval, PollTimeout = PollTimeout,
        }, Logging);
        Cloud = await composition.StartAsync();
        for (var i = 0; i < Nodes.Length; i++)
            Nodes[i] = Cloud.FindAll<NcServer>()[i];
        ConnectClient();
    }

    private void ConnectClient()
    {
        _channel?.Dispose();
        _channel = Channel(Pki.Load(ComponentRole.Clc));
        Client = new ClusterController.ClusterControllerClient(_channel);
    }

    /// <summary>A new CC on the same data directory and nodes, as after a restart of its host.</summary>
    public async Task RestartCcAsync()
    {
        await Cloud.StopOneAsync<CcServer>();
        Cloud.Restarted(await CcServer.StartAsync(Options, logging: Logging));
        ConnectClient();
    }

    public GrpcChannel Channel(X509Certificate2 clientCertificate) =>
        GrpcChannel.ForAddress(Server.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(clientCertificate, Pki.LoadCa(), ComponentRole.Cc) });

    /// <summary>A data directory of its own holding a copy of the cloud's PKI, as on another host.</summary>
    private string DataDir(string name) => TestCertificates.CopyPkiInto(Pki, _dir.Combine(name));

    private static void Logging(ILoggingBuilder l) => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public static string NewInstanceId() => "i-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17];

    /// <summary>A launch of the test guest (1 core, 256 MiB unless asked otherwise).</summary>
    public RunInstanceRequest Launch(string instanceId, int memoryMib = 256) => new()
    {
        InstanceId = instanceId,
        Cores = 1,
        MemoryMib = memoryMib,
        Kernel = Image("vmlinux", Guest?.KernelSha256 ?? new string('0', 64)),
        Ramdisk = Image("initrd.img", Guest?.RamdiskSha256 ?? new string('0', 64)),
        RootDisk = Image("root.img", Guest?.DiskSha256 ?? new string('0', 64)),
        Network = new NetworkInterface { Mode = "USER", PrivateIp = "169.254.169.15" },
        Data = new InstanceData { ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro", AvailabilityZone = "zone-1" },
    };

    private static ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = ImageWalrus.Bucket, Key = key, Sha256 = sha256 };

    /// <summary>Polls the console through the CC until <paramref name="marker"/> appears <paramref name="times"/> times.</summary>
    public async Task<string> WaitForConsoleAsync(string instanceId, string marker, int times = 1, int seconds = 120)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string text;
        do
        {
            text = (await Client.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId })).Output.ToStringUtf8();
            if (text.Split(marker).Length - 1 >= times)
                return text;
            await Task.Delay(500);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"'{marker}' x{times} did not appear on the console of {instanceId} in {seconds} s. Console:\n{text}");
    }

    /// <summary>
    /// Waits (up to <paramref name="seconds"/>) until a poll found every node up: on a loaded machine the first
    /// poll after the start can miss its timeout. Does not throw; what the test asserts next tells.
    /// </summary>
    public async Task WaitForNodesUpAsync(int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while ((await Client.DescribeResourcesAsync(new DescribeResourcesRequest())).Nodes.Any(n => n.State != "up") && DateTime.UtcNow < deadline)
            await Task.Delay(200);
    }

    public async Task StopNodeAsync(int i)
    {
        await Cloud.StopOneAsync(Nodes[i]);
        Nodes[i] = null!;
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (Cloud is not null)
            {
                await TerminateEverythingAsync();
                await Cloud.StopAsync();
            }
            _channel?.Dispose();
        }
        finally
        {
            foreach (var options in NodeOptions.Where(o => o is not null))
                QemuLeftovers.Kill(options.InstancesDir);
            if (_ownsImages)
                await _images.DisposeAsync();
            _dir.Dispose();
        }
    }

    private async Task TerminateEverythingAsync()
    {
        try
        {
            foreach (var known in (await Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances)
                if (known.NodeUp && known.Status.State != "terminated")
                    await Client.TerminateInstanceAsync(new InstanceRef { InstanceId = known.Status.InstanceId });
        }
        catch (RpcException)
        {
            // Whatever is left is killed by its pid file.
        }
    }
}
