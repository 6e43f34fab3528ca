using Amazon.S3;
using Amazon.S3.Model;
using Grpc.Net.Client;
using Ironbark.Clc.Identity;
using Ironbark.Cloud;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Nc.Drivers.Qemu;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Tests;

/// <summary>
/// A Walrus holding the test guest and a Node Controller on its own, reached over gRPC with mTLS
/// as the CC would. Every QEMU it started is gone after disposal, also when a test failed.
/// </summary>
public sealed class NcFixture : IAsyncLifetime
{
    public const string Bucket = "images";
    private readonly TempDir _dir = new();

    public WalrusHost Walrus { get; private set; } = null!;
    public AccessKey NcKey { get; private set; } = null!;
    public TestGuest Guest { get; private set; } = null!;
    public CloudCertificates Pki { get; private set; } = null!;
    /// <summary>The NC, composed as a host composes it (Walrus is the test's own <see cref="WalrusHost"/>).</summary>
    public RunningCloud Cloud { get; private set; } = null!;
    public NcServer Server => Cloud.Get<NcServer>();
    public NcOptions Options { get; private set; } = null!;
    public NodeController.NodeControllerClient Client { get; private set; } = null!;
    private GrpcChannel? _channel;

    public async Task InitializeAsync()
    {
        Guest = await TestGuest.BuildAsync();
        Walrus = await WalrusHost.StartAsync();
        NcKey = await Walrus.CreateAccountAsync("node");
        using var s3 = Walrus.Client(NcKey);
        await s3.PutBucketAsync(Bucket);
        foreach (var (key, path) in new[] { ("vmlinux", Guest.Kernel), ("initrd.img", Guest.Ramdisk), ("root.img", Guest.Disk) })
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = path });
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
        Options = new NcOptions
        {
            DataDir = _dir.Path, Url = "https://127.0.0.1:0", WalrusUrl = Walrus.Endpoint.ToString(),
            AccessKeyId = NcKey.AccessKeyId, SecretAccessKey = NcKey.SecretAccessKey,
            Cores = 2, MemoryMib = 2048, Acceleration = "tcg", TerminateGrace = TimeSpan.FromSeconds(1),
        };
        Cloud = await new CloudComposition().AddNc(_ => Options, Logging).StartAsync();
        ConnectClient();
    }

    /// <summary>Starts the NC again on the same state after <see cref="StopNcAsync"/>: it finds its VMs again.</summary>
    public async Task StartNcAsync()
    {
        Cloud.Restarted(await NcServer.StartAsync(Options, logging: Logging));
        ConnectClient();
    }

    public Task StopNcAsync() => Cloud.StopOneAsync<NcServer>();

    private void ConnectClient()
    {
        _channel?.Dispose();
        _channel = Channel(Pki.Load(ComponentRole.Cc));
        Client = new NodeController.NodeControllerClient(_channel);
    }

    private static void Logging(ILoggingBuilder l) => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public GrpcChannel Channel(System.Security.Cryptography.X509Certificates.X509Certificate2 clientCertificate) =>
        GrpcChannel.ForAddress(Server.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(clientCertificate, Pki.LoadCa(), ComponentRole.Nc) });

    public ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = Bucket, Key = key, Sha256 = sha256 };

    public RunInstanceRequest Launch(string instanceId, string? userData = null, int memoryMib = 256) => new()
    {
        InstanceId = instanceId,
        Cores = 1,
        MemoryMib = memoryMib,
        Kernel = Image("vmlinux", Guest.KernelSha256),
        Ramdisk = Image("initrd.img", Guest.RamdiskSha256),
        RootDisk = Image("root.img", Guest.DiskSha256),
        Network = new NetworkInterface { Mode = "USER", PrivateIp = "169.254.169.15" },
        Data = new InstanceData
        {
            UserData = Google.Protobuf.ByteString.CopyFromUtf8(userData ?? ""),
            ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro", AvailabilityZone = "zone-1",
            KeyName = "test-key", PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB test-key", ReservationId = "r-0123456789abcdef0",
        },
    };

    /// <summary>Polls the console until <paramref name="marker"/> appears <paramref name="times"/> times; returns the console text.</summary>
    public async Task<string> WaitForConsoleAsync(string instanceId, string marker, int times = 1, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        string text;
        do
        {
            var console = await Client.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId });
            text = console.Output.ToStringUtf8();
            if (Count(text, marker) >= times)
                return text;
            await Task.Delay(500);
        } while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"'{marker}' x{times} did not appear on the console of {instanceId} in {seconds} s. Console:\n{text}");
    }

    public static int Count(string text, string marker)
    {
        var count = 0;
        for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + marker.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    public static string NewInstanceId() => "i-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17];

    public async Task DisposeAsync()
    {
        try
        {
            foreach (var status in (await Client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances)
                if (status.State != "terminated")
                    await Client.TerminateInstanceAsync(new InstanceRef { InstanceId = status.InstanceId });
        }
        catch (Exception)
        {
            // Fall through to killing whatever is left by its pid file.
        }
        try
        {
            if (Cloud is not null)
                await Cloud.StopAsync();
            _channel?.Dispose();
        }
        finally
        {
            QemuLeftovers.Kill(Options.InstancesDir);
            await Walrus.DisposeAsync();
            _dir.Dispose();
        }
    }
}
