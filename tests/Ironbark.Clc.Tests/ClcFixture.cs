using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Ironbark.Clc.Identity;
using Ironbark.Cc;
using Ironbark.Cloud;
using Ironbark.Common.Data;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Microsoft.Extensions.Logging;
using Ironbark.Testing;
using Ironbark.Walrus;

namespace Ironbark.Clc.Tests;

/// <summary>
/// One CLC per test collection on a loopback port, beside a real Walrus (where image manifests are
/// read, with the system account's key) and a real cluster for zone ironbark-a: a CC over one NC
/// (QEMU under TCG, room for four 256 MiB guests), called over mutual TLS. Two tenant accounts (alice
/// and bob) with AWSSDK.EC2 and AWSSDK.S3 clients; alice owns the test guest as a registered image.
/// Subclasses choose the database: SQLite in the data directory, or a PostgreSQL server the fixture starts.
/// </summary>
public abstract class ClcFixture : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private Database _identityDb = null!;
    private readonly TempDir _dir = new();

    public const string ComputeZone = "ironbark-a";

    /// <summary>Walrus, the NC, the CC and the CLC, composed as `ironbark up` composes them.</summary>
    public RunningCloud Cloud { get; private set; } = null!;
    public ClcServer Server => Cloud.Get<ClcServer>();
    public NcServer Node => Cloud.Get<NcServer>();
    public CcServer Cluster => Cloud.Get<CcServer>();
    /// <summary>The test guest registered by alice: machine image with its kernel and ramdisk.</summary>
    public (string Machine, string Kernel, string Ramdisk) Guest { get; private set; }
    public WalrusServer Walrus => Cloud.Get<WalrusServer>();
    public AmazonS3Client AliceS3 { get; private set; } = null!;
    public AmazonS3Client BobS3 { get; private set; } = null!;
    /// <summary>The canonical id of the cloud's system account, which must be able to read manifests.</summary>
    public string SystemCanonicalId { get; private set; } = "";
    public string BobAccountId { get; private set; } = "";
    public AccountStore Accounts { get; private set; } = null!;
    public AccessKey Alice { get; private set; } = null!;
    public AccessKey Bob { get; private set; } = null!;
    public AmazonEC2Client AliceEc2 { get; private set; } = null!;
    public AmazonEC2Client BobEc2 { get; private set; } = null!;
    /// <summary>The cloud admin (account "admin"), who sees the verbose zone listing.</summary>
    public AmazonEC2Client AdminEc2 { get; private set; } = null!;
    public string AliceAccountId { get; private set; } = "";
    public Uri Endpoint => Server.Endpoint;
    public string DataDir => _dir.Path;

    protected abstract bool UsePostgres { get; }

    public async Task InitializeAsync()
    {
        string? connection = null;
        if (UsePostgres)
        {
            _postgres = await PostgresServer.StartAsync();
            connection = await _postgres.CreateDatabaseAsync();
        }
        _identityDb = new Database(DatabaseOptions.For(_dir.Path, "identity.db", connection));
        Accounts = new AccountStore(_identityDb, SecretProtector.LoadOrCreate(_dir.Combine("keys", "secrets.key")));
        await Accounts.MigrateAsync();
        SystemCanonicalId = (await Accounts.CreateAccountAsync("system")).CanonicalId;
        var system = await Accounts.CreateAccessKeyAsync("system");
        new CloudCertificates(_dir.Combine("pki")).EnsureCreated();
        // The whole cloud as `ironbark up` composes it: Walrus checks keys at the CLC's identity service over gRPC.
        Cloud = await new CloudComposition()
            .AddWalrus(_ => new WalrusOptions { DataDir = _dir.Path, Url = "http://127.0.0.1:0", PostgresConnectionString = connection })
            .AddNc(cloud => _nodeOptions = new NcOptions
            {
                DataDir = _dir.Path, Url = "https://127.0.0.1:0", NodeId = "node-1", WalrusUrl = cloud.Get<WalrusServer>().Endpoint.ToString(),
                AccessKeyId = system.AccessKeyId, SecretAccessKey = system.SecretAccessKey, Cores = 2, MemoryMib = 1024, Acceleration = "tcg",
                TerminateGrace = TimeSpan.FromSeconds(1),
            }, Quiet)
            .AddCc(cloud => new CcOptions
            {
                DataDir = _dir.Path, Url = "https://127.0.0.1:0", Cluster = ComputeZone, Nodes = [cloud.Get<NcServer>().Endpoint.ToString()],
                PollInterval = TimeSpan.FromMilliseconds(500), PollTimeout = TimeSpan.FromSeconds(2),
            }, Quiet)
            .AddClc(cloud => Options(connection, system, cloud, "http://127.0.0.1:0", "https://127.0.0.1:0"), Accounts, Quiet)
            .StartAsync();
        // A restarted node must come back where the CC knows it, and a restarted CLC on the same ports, so every
        // client of the collection (and Walrus's identity client) keeps working.
        _nodeOptions = _nodeOptions with { Url = Node.Endpoint.ToString() };
        _clcOptions = Options(connection, system, Cloud, Server.Endpoint.ToString(), Server.InternalEndpoint.ToString());
        AliceAccountId = (await Accounts.CreateAccountAsync("alice")).Id;
        Alice = await Accounts.CreateAccessKeyAsync("alice");
        BobAccountId = (await Accounts.CreateAccountAsync("bob")).Id;
        Bob = await Accounts.CreateAccessKeyAsync("bob");
        AliceEc2 = Client(Alice.AccessKeyId, Alice.SecretAccessKey);
        BobEc2 = Client(Bob.AccessKeyId, Bob.SecretAccessKey);
        await Accounts.CreateAccountAsync(Account.AdminName);
        var admin = await Accounts.CreateAccessKeyAsync(Account.AdminName);
        AdminEc2 = Client(admin.AccessKeyId, admin.SecretAccessKey);
        AliceS3 = S3Client(Alice);
        BobS3 = S3Client(Bob);
        Guest = await GuestImages.RegisterAsync(AliceS3, AliceEc2, SystemCanonicalId);
    }

    private NcOptions _nodeOptions = null!;
    private ClcOptions _clcOptions = null!;

    /// <summary>
    /// A connection string to a fresh, empty database on the collection's PostgreSQL server; null on SQLite, where a
    /// database is a file in the data directory of whoever opens it.
    /// </summary>
    public async Task<string?> NewDatabaseAsync() => _postgres is null ? null : await _postgres.CreateDatabaseAsync();

    /// <summary>Stops the CLC and starts it again on the same state and port.</summary>
    public async Task RestartClcAsync()
    {
        await Cloud.StopOneAsync<ClcServer>();
        Cloud.Restarted(await ClcServer.StartAsync(_clcOptions, Accounts, logging: Quiet));
    }

    /// <summary>Stops the NC (its VMs keep running, as when a node controller goes down).</summary>
    public Task StopNodeAsync() => Cloud.StopOneAsync<NcServer>();

    /// <summary>Starts the NC again on the same port and state: it finds its VMs again.</summary>
    public async Task StartNodeAsync() => Cloud.Restarted(await NcServer.StartAsync(_nodeOptions, logging: Quiet));

    private ClcOptions Options(string? connection, AccessKey system, RunningCloud cloud, string url, string internalUrl) => new()
    {
        DataDir = _dir.Path, Url = url, InternalUrl = internalUrl, PostgresConnectionString = connection,
        AvailabilityZones = [ComputeZone, "ironbark-b"], ClusterControllers = new Dictionary<string, string> { [ComputeZone] = cloud.Get<CcServer>().Endpoint.ToString() },
        ReconcileInterval = TimeSpan.FromMilliseconds(500),
        WalrusUrl = cloud.Get<WalrusServer>().Endpoint.ToString(), WalrusAccessKeyId = system.AccessKeyId, WalrusSecretAccessKey = system.SecretAccessKey,
    };

    private static void Quiet(ILoggingBuilder logging) => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public AmazonEC2Client Client(string accessKeyId, string secret) => new(new BasicAWSCredentials(accessKeyId, secret), new AmazonEC2Config
    {
        ServiceURL = Endpoint.ToString(),
        AuthenticationRegion = "ironbark",
        MaxErrorRetry = 0,
    });

    private AmazonS3Client S3Client(AccessKey key) => new(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), new AmazonS3Config
    {
        ServiceURL = Walrus.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "ironbark", MaxErrorRetry = 0,
    });

    /// <summary>A hand-made Query client signing with Signature Version 2 as <paramref name="key"/>.</summary>
    public Ec2QueryClient Query(AccessKey key) => new(Endpoint, key.AccessKeyId, key.SecretAccessKey);

    public async Task DisposeAsync()
    {
        AliceEc2?.Dispose();
        BobEc2?.Dispose();
        AdminEc2?.Dispose();
        AliceS3?.Dispose();
        BobS3?.Dispose();
        try
        {
            if (Cloud is not null)
            {
                // The CLC and the CC first, so nothing relaunches what the node's instances are terminated for.
                await Cloud.StopOneAsync<ClcServer>();
                await Cloud.StopOneAsync<CcServer>();
                if (Cloud.Find<NcServer>() is { } node)
                    foreach (var instance in node.Instances.Describe([]).Where(i => i.State != "terminated"))
                        await node.Instances.TerminateAsync(instance.Id, CancellationToken.None);
                await Cloud.StopAsync();
            }
        }
        finally
        {
            QemuLeftovers.Kill(Path.Combine(_dir.Path, "nc", "instances"));
        }
        if (_identityDb is not null)
            await _identityDb.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>A name no other test uses.</summary>
    public static string Unique(string hint) => $"{hint}-{Guid.NewGuid():N}"[..(hint.Length + 13)];
}

public sealed class SqliteClcFixture : ClcFixture
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresClcFixture : ClcFixture
{
    protected override bool UsePostgres => true;
}

[CollectionDefinition(Name)]
public sealed class SqliteClc : ICollectionFixture<SqliteClcFixture>
{
    public const string Name = "CLC on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresClc : ICollectionFixture<PostgresClcFixture>
{
    public const string Name = "CLC on PostgreSQL";
}
