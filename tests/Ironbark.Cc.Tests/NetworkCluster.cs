using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Tests;

/// <summary>
/// A Cluster Controller with its store on SQLite or PostgreSQL and two recording nodes (node-0 reports its underlay
/// address itself, node-1's comes from the CC's options), reached over mTLS as the CLC reaches it. One per test.
/// </summary>
public sealed class NetworkCluster : IAsyncDisposable
{
    public const string Node0Underlay = "10.99.0.1";
    public const string Node1Underlay = "10.99.0.2";
    public const string VpcId = "vpc-0123456789abcdef0";
    public const string SubnetId = "subnet-0123456789abcdef0";

    private readonly TempDir _dir = new();
    private readonly List<ImpostorServer<RecordingNode>> _servers = [];
    private GrpcChannel? _channel;

    public CloudCertificates Pki { get; }
    public RecordingNode[] Nodes { get; } = [new("node-0", Node0Underlay), new("node-1")];
    public CcOptions Options { get; private set; } = null!;
    public CcServer Server { get; private set; } = null!;
    public ClusterController.ClusterControllerClient Client { get; private set; } = null!;

    private NetworkCluster()
    {
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
    }

    /// <param name="pollInterval">Also how often views are pushed without a change: long, so that only a change can explain a view.</param>
    public static async Task<NetworkCluster> StartAsync(bool postgres, TimeSpan? pollInterval = null, string publicAddresses = "203.0.113.0/24")
    {
        var cluster = new NetworkCluster();
        try
        {
            foreach (var node in cluster.Nodes)
                cluster._servers.Add(await ImpostorServer<RecordingNode>.StartAsync(node, cluster.Pki.Load(ComponentRole.Nc), cluster.Pki.LoadCa()));
            var urls = cluster._servers.Select(s => s.Endpoint.ToString()).ToList();
            cluster.Options = new CcOptions
            {
                DataDir = TestCertificates.CopyPkiInto(cluster.Pki, cluster._dir.Combine("cc")), Url = "https://127.0.0.1:0", Cluster = "zone-net",
                Nodes = urls, PollInterval = pollInterval ?? TimeSpan.FromSeconds(30), PollTimeout = TimeSpan.FromSeconds(10),
                PostgresConnectionString = postgres ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync() : null,
                PublicAddresses = publicAddresses, NodeUnderlay = new Dictionary<string, string> { [urls[1]] = Node1Underlay },
            };
            await cluster.StartCcAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new CC on the same store and nodes, as after a restart of its host.</summary>
    public async Task RestartCcAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        await StartCcAsync();
    }

    private async Task StartCcAsync()
    {
        Server = await CcServer.StartAsync(Options, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        _channel?.Dispose();
        _channel = GrpcChannel.ForAddress(Server.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = MutualTls.ClientHandler(Pki.Load(ComponentRole.Clc), Pki.LoadCa(), ComponentRole.Cc), DisposeHttpClient = true,
        });
        Client = new ClusterController.ClusterControllerClient(_channel);
    }

    public string NodeUrl(int i) => Options.Nodes[i];

    public static string NewId(string prefix) => prefix + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17];

    /// <summary>A launch in mode VPC in the default subnet, as the CLC sends it (the CC fills in the addresses).</summary>
    public static RunInstanceRequest VpcLaunch(string instanceId, string[]? groups = null, bool publicIp = true, string subnetCidr = "172.31.0.0/20",
        string? interfaceId = null) => new()
    {
        InstanceId = instanceId,
        Cores = 1,
        MemoryMib = 128,
        Network = new NetworkInterface
        {
            Mode = "VPC", InterfaceId = interfaceId ?? NewId("eni-"), VpcId = VpcId, SubnetId = SubnetId, SubnetCidr = subnetCidr,
            VpcCidr = "172.31.0.0/16", SecurityGroupIds = { groups ?? ["sg-00000000000000001"] }, AssignPublicIp = publicIp,
        },
        Data = new InstanceData { ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro", AvailabilityZone = "zone-net" },
    };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Server is not null)
            {
                await Server.StopAsync();
                await Server.DisposeAsync();
            }
            _channel?.Dispose();
            foreach (var server in _servers)
                await server.DisposeAsync();
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
