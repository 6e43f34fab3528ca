using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Ironbark.Common.Accounts;
using Ironbark.Common.Data;
using Ironbark.Testing;
using Ironbark.Walrus;

namespace Ironbark.Clc.Tests;

/// <summary>
/// One CLC per test collection on a loopback port, beside a real Walrus (where image manifests are
/// read, with the system account's key), with two tenant accounts (alice and bob) and AWSSDK.EC2 and
/// AWSSDK.S3 clients for them. Subclasses choose the database: SQLite in the data directory, or a
/// PostgreSQL server the fixture starts.
/// </summary>
public abstract class ClcFixture : IAsyncLifetime
{
    private PostgresServer? _postgres;
    private Database _identityDb = null!;
    private readonly TempDir _dir = new();

    public ClcServer Server { get; private set; } = null!;
    public WalrusServer Walrus { get; private set; } = null!;
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
        Walrus = await WalrusServer.StartAsync(new WalrusOptions { DataDir = _dir.Path, Url = "http://127.0.0.1:0", PostgresConnectionString = connection }, Accounts);
        Server = await ClcServer.StartAsync(new ClcOptions
        {
            DataDir = _dir.Path, Url = "http://127.0.0.1:0", PostgresConnectionString = connection,
            AvailabilityZones = ["ironbark-a", "ironbark-b"],
            WalrusUrl = Walrus.Endpoint.ToString(), WalrusAccessKeyId = system.AccessKeyId, WalrusSecretAccessKey = system.SecretAccessKey,
        }, Accounts);
        AliceAccountId = (await Accounts.CreateAccountAsync("alice")).Id;
        Alice = await Accounts.CreateAccessKeyAsync("alice");
        BobAccountId = (await Accounts.CreateAccountAsync("bob")).Id;
        Bob = await Accounts.CreateAccessKeyAsync("bob");
        AliceEc2 = Client(Alice.AccessKeyId, Alice.SecretAccessKey);
        BobEc2 = Client(Bob.AccessKeyId, Bob.SecretAccessKey);
        AliceS3 = S3Client(Alice);
        BobS3 = S3Client(Bob);
    }

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
        AliceS3?.Dispose();
        BobS3?.Dispose();
        if (Server is not null)
            await Server.DisposeAsync();
        if (Walrus is not null)
        {
            await Walrus.StopAsync();
            await Walrus.DisposeAsync();
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
