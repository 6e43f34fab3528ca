using System.Security.Cryptography.X509Certificates;
using Amazon.S3.Model;
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
/// A Walrus (holding the test guest when asked for), two real Node Controllers and a Cluster Controller
/// polling them, each with its own data directory and the one cloud CA, reached over gRPC with mTLS as the
/// CLC would. Every QEMU the nodes started is gone after disposal, also when a test failed.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string Bucket = "images";
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(1);

    private readonly TempDir _dir = new();
    private readonly bool _withGuest;
    private GrpcChannel? _channel;

    public WalrusHost Walrus { get; private set; } = null!;
    public TestGuest Guest { get; private set; } = null!;
    public CloudCertificates Pki { get; private set; } = null!;
    /// <summary>The two NCs and the CC, composed as a host composes them.</summary>
    public RunningCloud Cloud { get; private set; } = null!;
    public NcServer[] Nodes { get; } = new NcServer[2];
    public NcOptions[] NodeOptions { get; } = new NcOptions[2];
    public CcOptions Options { get; private set; } = null!;
    public CcServer Server => Cloud.Get<CcServer>();
    public ClusterController.ClusterControllerClient Client { get; private set; } = null!;

    /// <summary>A cluster without the test guest (the one public constructor xUnit needs of a class fixture).</summary>
    public ClusterFixture() : this(withGuest: false)
    {
    }

    internal ClusterFixture(bool withGuest) => _withGuest = withGuest;

    public async Task InitializeAsync()
    {
        Walrus = await WalrusHost.StartAsync();
        var key = await Walrus.CreateAccountAsync("node");
        if (_withGuest)
        {
            Guest = await TestGuest.BuildAsync();
            using var s3 = Walrus.Client(key);
            await s3.PutBucketAsync(Bucket);
            foreach (var (name, path) in new[] { ("vmlinux", Guest.Kernel), ("initrd.img", Guest.Ramdisk), ("root.img", Guest.Disk) })
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = name, FilePath = path });
        }
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

    private static ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = Bucket, Key = key, Sha256 = sha256 };

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
            await Walrus.DisposeAsync();
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
