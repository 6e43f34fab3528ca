using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Grpc.Net.Client;
using Ironbark.Cc;
using Ironbark.Clc;
using Ironbark.Clc.Identity;
using Ironbark.Cloud;
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
    private Database? _identityDb;
    private GrpcChannel? _ccChannel;

    /// <summary>Walrus, the NCs, the CC and the CLC, composed as `ironbark up` composes a cloud.</summary>
    public RunningCloud Cloud { get; private set; } = null!;
    public WalrusServer Walrus => Cloud.Get<WalrusServer>();
    public CcServer Cc => Cloud.Get<CcServer>();
    public ClcServer Clc => Cloud.Get<ClcServer>();
    public AccountStore Accounts { get; private set; } = null!;
    public Account Tenant { get; private set; } = null!;
    public string SystemCanonicalId { get; private set; } = "";
    public AmazonEC2Client Ec2 { get; private set; } = null!;
    /// <summary>The same tenant's calls without the SDK (answers read, not parsed).</summary>
    public RawEc2Query RawEc2 { get; private set; } = null!;
    public AmazonS3Client S3 { get; private set; } = null!;

    /// <summary>The CC's API as the CLC calls it (certificate "clc").</summary>
    public ClusterController.ClusterControllerClient CcClient { get; private set; } = null!;

    public IReadOnlyList<NcServer> Nodes => Cloud.FindAll<NcServer>();

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

        // The cloud as `ironbark up` composes it (Walrus checks keys at the CLC over gRPC), with many NCs, each on
        // a data directory of its own; they start one after another, before the CC that polls them.
        var composition = new CloudComposition()
            .AddWalrus(_ => new WalrusOptions { DataDir = DataDir("walrus", pki), Url = "http://127.0.0.1:0" }, logging: Quiet);
        for (var i = 0; i < nodes; i++)
        {
            var node = i;
            composition.AddNc(cloud => new NcOptions
            {
                DataDir = DataDir($"nc{node:D3}", pki), Url = "https://127.0.0.1:0", NodeId = $"node-{node:D3}", Hypervisor = "fake",
                WalrusUrl = cloud.Get<WalrusServer>().Endpoint.ToString(), AccessKeyId = system.AccessKeyId, SecretAccessKey = system.SecretAccessKey,
                Cores = NodeCores, MemoryMib = NodeMemoryMib,
            }, Quiet);
        }
        composition
            .AddCc(cloud => new CcOptions
            {
                DataDir = DataDir("cc", pki), Url = "https://127.0.0.1:0", Cluster = Zone, Nodes = [.. cloud.FindAll<NcServer>().Select(n => n.Endpoint.ToString())],
            }, Quiet)
            .AddClc(cloud => new ClcOptions
            {
                DataDir = DataDir("clc", pki), Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", Region = Region, AvailabilityZones = [Zone],
                ClusterControllers = new Dictionary<string, string> { [Zone] = cloud.Get<CcServer>().Endpoint.ToString() },
                WalrusUrl = cloud.Get<WalrusServer>().Endpoint.ToString(), WalrusAccessKeyId = system.AccessKeyId, WalrusSecretAccessKey = system.SecretAccessKey,
                // The default limit is 1,000 live instances per account; the warm-up instance may still be shutting down.
                MaxInstancesPerAccount = instances + 10,
            }, Accounts, Quiet);
        progress.WriteLine($"Starting Walrus, {nodes} NCs (fake hypervisor), the CC and the CLC…");
        Cloud = await composition.StartAsync(ct);
        var walrusUrl = Walrus.Endpoint.ToString();
        _ccChannel = GrpcChannel.ForAddress(Cc.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(pki.Load(ComponentRole.Clc), pki.LoadCa(), ComponentRole.Cc) });
        CcClient = new ClusterController.ClusterControllerClient(_ccChannel);

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
        if (Cloud is not null)
            await Cloud.StopAsync();
        if (_identityDb is not null)
            await _identityDb.DisposeAsync();
    }
}
