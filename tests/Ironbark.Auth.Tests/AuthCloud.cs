using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using Ironbark.Clc;
using Ironbark.Clc.Identity;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Auth.Tests;

/// <summary>
/// The two public edges that authenticate, each a real server on loopback over one account store: Walrus
/// (S3) and a CLC (EC2) without clusters, since no request these tests send may reach an action's work.
/// Alice has a key and a bucket. Subclasses choose Walrus's database (SQLite or PostgreSQL); the CLC keeps
/// SQLite, its store is not what authentication touches.
/// </summary>
public abstract class AuthCloud : IAsyncLifetime
{
    public const string Region = "ironbark";
    private readonly TempDir _clcDir = new();

    public WalrusHost Walrus { get; private set; } = null!;
    public ClcServer Clc { get; private set; } = null!;
    public AccessKey Alice { get; private set; } = null!;
    public string Bucket { get; } = "auth-" + Guid.NewGuid().ToString("N")[..12];

    protected abstract bool UsePostgres { get; }
    private PostgresServer? _postgres;

    public async Task InitializeAsync()
    {
        string? connection = null;
        if (UsePostgres)
        {
            _postgres = await PostgresServer.StartAsync();
            connection = await _postgres.CreateDatabaseAsync();
        }
        Walrus = await WalrusHost.StartAsync(connection, logging: Quiet);
        Alice = await Walrus.CreateAccountAsync("alice");
        new CloudCertificates(_clcDir.Combine("pki")).EnsureCreated();
        Clc = await ClcServer.StartAsync(new ClcOptions { DataDir = _clcDir.Path, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", Region = Region },
            Walrus.Accounts, logging: Quiet);
        using var s3 = S3(Alice);
        await s3.PutBucketAsync(Bucket);
    }

    private static void Quiet(ILoggingBuilder logging) => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public AmazonS3Client S3(AccessKey key, string region = Region) => Walrus.Client(key, c => c.AuthenticationRegion = region);

    public AmazonEC2Client Ec2(AccessKey key, string region = Region) => new(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey),
        new AmazonEC2Config { ServiceURL = Clc.Endpoint.ToString(), AuthenticationRegion = region, MaxErrorRetry = 0 });

    public TestSigner Signer(string service, string region = Region) => new(Alice.AccessKeyId, Alice.SecretAccessKey, region, service);

    public async Task DisposeAsync()
    {
        if (Clc is not null)
            await Clc.DisposeAsync();
        if (Walrus is not null)
            await Walrus.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        _clcDir.Dispose();
    }
}

public sealed class SqliteAuthCloud : AuthCloud
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresAuthCloud : AuthCloud
{
    protected override bool UsePostgres => true;
}
