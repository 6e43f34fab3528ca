using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Grpc.Net.Client;
using Ironbark.Cc;
using Ironbark.Clc;
using Ironbark.Common.Accounts;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Data;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Walrus;
using Microsoft.Extensions.Logging;

namespace Ironbark.Bench.Scale;

/// <summary>
/// A whole cloud in this process: Walrus, a CLC, one CC and many NCs on the fake hypervisor, each
/// with its own data directory (and a copy of the cloud's PKI, as on another host) and its own
/// loopback port. They call each other exactly as in a deployment: EC2 and S3 over HTTP, gRPC with
/// mutual TLS. A tenant account ("bench") holds the EC2 and S3 clients the benchmark uses.
/// </summary>
public sealed class ScaleCloud : IAsyncDisposable
{
    public const string Zone = "ironbark-a";
    public const string Region = "ironbark";

    /// <summary>What every fake node offers: 1,000 t1.micro (1 vCPU, 256 MiB) fit on 100 of them with room to spare.</summary>
    public const int NodeCores = 16;
    public const int NodeMemoryMib = 16 * 1024;

    private readonly string _dir;
    private readonly List<NcServer> _nodes = [];
    private Database? _identityDb;
    private GrpcChannel? _ccChannel;

    public WalrusServer Walrus { get; private set; } = null!;
    public CcServer Cc { get; private set; } = null!;
    public ClcServer Clc { get; private set; } = null!;
    public AccountStore Accounts { get; private set; } = null!;
    public Account Tenant { get; private set; } = null!;
    public string SystemCanonicalId { get; private set; } = "";
    public AmazonEC2Client Ec2 { get; private set; } = null!;
    /// <summary>The same tenant's calls without the SDK (answers read, not parsed).</summary>
    public RawEc2Query RawEc2 { get; private set; } = null!;
    public AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>The CC's API as the CLC calls it (certificate "clc").</summary>
    public ClusterController.ClusterControllerClient CcClient { get; private set; } = null!;

    public IReadOnlyList<NcServer> Nodes => _nodes;

    private ScaleCloud(string dir) => _dir = dir;

    public static async Task<ScaleCloud> StartAsync(string dir, int nodes, int instances, TextWriter progress, CancellationToken ct)
    {
        var cloud = new ScaleCloud(dir);
        try
        {
            await cloud.StartAsync(nodes, instances, progress, ct);
            return cloud;
        }
        catch
        {
            await cloud.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(int nodes, int instances, TextWriter progress, CancellationToken ct)
    {
        var pki = new CloudCertificates(Path.Combine(_dir, "pki"));
        pki.EnsureCreated();
        _identityDb = new Database(DatabaseOptions.For(_dir, "identity.db", null));
        Accounts = new AccountStore(_identityDb, SecretProtector.LoadOrCreate(Path.Combine(_dir, "keys", "secrets.key")));
        await Accounts.MigrateAsync(ct);
        SystemCanonicalId = (await Accounts.CreateAccountAsync("system", ct)).CanonicalId;
        var system = await Accounts.CreateAccessKeyAsync("system", ct);
        Tenant = await Accounts.CreateAccountAsync("bench", ct);
        var tenantKey = await Accounts.CreateAccessKeyAsync("bench", ct);

        Walrus = await WalrusServer.StartAsync(new WalrusOptions { DataDir = DataDir("walrus", pki), Url = "http://127.0.0.1:0" }, Accounts, ct, Quiet);
        var walrusUrl = Walrus.Endpoint.ToString();
        progress.WriteLine($"Walrus at {walrusUrl}; starting {nodes} NCs (fake hypervisor)…");

        // A few at a time: each start reads its PKI and builds a host; all at once only contends.
        using var gate = new SemaphoreSlim(8);
        var started = await Task.WhenAll(Enumerable.Range(0, nodes).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                return await NcServer.StartAsync(new NcOptions
                {
                    DataDir = DataDir($"nc{i:D3}", pki), Url = "https://127.0.0.1:0", NodeId = $"node-{i:D3}", Hypervisor = "fake",
                    WalrusUrl = walrusUrl, AccessKeyId = system.AccessKeyId, SecretAccessKey = system.SecretAccessKey,
                    Cores = NodeCores, MemoryMib = NodeMemoryMib,
                }, ct, Quiet);
            }
            finally
            {
                gate.Release();
            }
        }));
        _nodes.AddRange(started);

        Cc = await CcServer.StartAsync(new CcOptions
        {
            DataDir = DataDir("cc", pki), Url = "https://127.0.0.1:0", Cluster = Zone, Nodes = [.. _nodes.Select(n => n.Endpoint.ToString())],
        }, ct, Quiet);
        _ccChannel = GrpcChannel.ForAddress(Cc.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(pki.Load(ComponentRole.Clc), pki.LoadCa(), ComponentRole.Cc) });
        CcClient = new ClusterController.ClusterControllerClient(_ccChannel);

        Clc = await ClcServer.StartAsync(new ClcOptions
        {
            DataDir = DataDir("clc", pki), Url = "http://127.0.0.1:0", Region = Region, AvailabilityZones = [Zone],
            ClusterControllers = new Dictionary<string, string> { [Zone] = Cc.Endpoint.ToString() },
            WalrusUrl = walrusUrl, WalrusAccessKeyId = system.AccessKeyId, WalrusSecretAccessKey = system.SecretAccessKey,
            // The default limit is 1,000 live instances per account; the warm-up instance may still be shutting down.
            MaxInstancesPerAccount = instances + 10,
        }, Accounts, ct, Quiet);

        var credentials = new BasicAWSCredentials(tenantKey.AccessKeyId, tenantKey.SecretAccessKey);
        // No retries: a refused or failed call is a result to report, not to hide.
        RawEc2 = new RawEc2Query(Clc.Endpoint, tenantKey.AccessKeyId, tenantKey.SecretAccessKey, Region);
        Ec2 = new AmazonEC2Client(credentials, new AmazonEC2Config { ServiceURL = Clc.Endpoint.ToString(), AuthenticationRegion = Region, MaxErrorRetry = 0 });
        S3 = new AmazonS3Client(credentials, new AmazonS3Config { ServiceURL = walrusUrl, ForcePathStyle = true, AuthenticationRegion = Region, MaxErrorRetry = 0 });
    }

    /// <summary>A data directory of its own holding a copy of the cloud's PKI, as on another host.</summary>
    private string DataDir(string name, CloudCertificates pki)
    {
        var dir = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.Combine(dir, "pki"));
        foreach (var file in Directory.GetFiles(pki.Directory))
            File.Copy(file, Path.Combine(dir, "pki", Path.GetFileName(file)));
        return dir;
    }

    /// <summary>Warnings and errors only: a hundred NCs logging each launch would time the console, not the cloud.</summary>
    private static void Quiet(ILoggingBuilder logging) =>
        logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);

    public async ValueTask DisposeAsync()
    {
        Ec2?.Dispose();
        RawEc2?.Dispose();
        S3?.Dispose();
        _ccChannel?.Dispose();
        if (Clc is not null)
        {
            await Clc.StopAsync();
            await Clc.DisposeAsync();
        }
        if (Cc is not null)
        {
            await Cc.StopAsync();
            await Cc.DisposeAsync();
        }
        foreach (var node in _nodes)
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }
        if (Walrus is not null)
        {
            await Walrus.StopAsync();
            await Walrus.DisposeAsync();
        }
        if (_identityDb is not null)
            await _identityDb.DisposeAsync();
    }
}
