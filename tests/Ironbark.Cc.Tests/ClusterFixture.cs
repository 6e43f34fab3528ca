using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Tests;

/// <summary>
/// A Walrus, two real Node Controllers (no VMs are launched) and a Cluster Controller polling
/// them, each with its own data directory and the one cloud CA, reached over gRPC with mTLS as
/// the CLC would.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(300);
    public static readonly TimeSpan PollTimeout = TimeSpan.FromSeconds(1);

    private readonly TempDir _dir = new();
    private GrpcChannel? _channel;

    public WalrusHost Walrus { get; private set; } = null!;
    public CloudCertificates Pki { get; private set; } = null!;
    public NcServer[] Nodes { get; } = new NcServer[2];
    public NcOptions[] NodeOptions { get; } = new NcOptions[2];
    public CcServer Server { get; private set; } = null!;
    public ClusterController.ClusterControllerClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Walrus = await WalrusHost.StartAsync();
        var key = await Walrus.CreateAccountAsync("node");
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
        for (var i = 0; i < Nodes.Length; i++)
        {
            NodeOptions[i] = new NcOptions
            {
                DataDir = DataDir($"nc{i}"), Url = "https://127.0.0.1:0", NodeId = $"node-{i}", WalrusUrl = Walrus.Endpoint.ToString(),
                AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey,
                Cores = 2 + 2 * i, MemoryMib = 1024 * (i + 1), Acceleration = "tcg",
            };
            Nodes[i] = await NcServer.StartAsync(NodeOptions[i], logging: Logging);
        }
        Server = await CcServer.StartAsync(new CcOptions
        {
            DataDir = DataDir("cc"), Url = "https://127.0.0.1:0", Cluster = "zone-1",
            Nodes = [.. Nodes.Select(n => n.Endpoint.ToString())], PollInterval = PollInterval, PollTimeout = PollTimeout,
        }, logging: Logging);
        _channel = Channel(Pki.Load("clc"));
        Client = new ClusterController.ClusterControllerClient(_channel);
    }

    public GrpcChannel Channel(X509Certificate2 clientCertificate) =>
        GrpcChannel.ForAddress(Server.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(clientCertificate, Pki.LoadCa()) });

    /// <summary>A data directory of its own holding a copy of the cloud's PKI, as on another host.</summary>
    private string DataDir(string name)
    {
        var dir = _dir.Combine(name);
        Directory.CreateDirectory(Path.Combine(dir, "pki"));
        foreach (var file in Directory.GetFiles(Pki.Directory))
            File.Copy(file, Path.Combine(dir, "pki", Path.GetFileName(file)));
        return dir;
    }

    private static void Logging(ILoggingBuilder l) => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public async Task StopNodeAsync(int i)
    {
        await Nodes[i].StopAsync();
        await Nodes[i].DisposeAsync();
        Nodes[i] = null!;
    }

    public async Task DisposeAsync()
    {
        try
        {
            _channel?.Dispose();
            await Server.StopAsync();
            await Server.DisposeAsync();
            foreach (var node in Nodes.Where(n => n is not null))
            {
                await node.StopAsync();
                await node.DisposeAsync();
            }
        }
        finally
        {
            await Walrus.DisposeAsync();
            _dir.Dispose();
        }
    }
}
