using Amazon.S3;
using Ironbark.Clc.Identity;
using Ironbark.Testing;
using Ironbark.Walrus.Backends;

// The PostgreSQL classes share one server for the run (PostgresServer.SharedAsync), stopped when the run ends.
[assembly: TestFramework(TestRunFramework.TypeName, TestRunFramework.AssemblyName)]

namespace Ironbark.Walrus.Tests;

/// <summary>
/// One Walrus per test collection, with two tenant accounts (alice and bob). Subclasses choose the
/// metadata database: SQLite in the data directory, or a database of its own on the test run's PostgreSQL server.
/// </summary>
public abstract class WalrusFixture : IAsyncLifetime
{
    public WalrusHost Host { get; private set; } = null!;
    public AccessKey Alice { get; private set; } = null!;
    public AccessKey Bob { get; private set; } = null!;
    public AmazonS3Client AliceS3 { get; private set; } = null!;
    public AmazonS3Client BobS3 { get; private set; } = null!;
    public AmazonS3Client Anonymous { get; private set; } = null!;

    protected abstract bool UsePostgres { get; }

    /// <summary>The store for object bytes; null for Walrus's own (files under the data directory).</summary>
    protected virtual Func<WalrusOptions, IObjectStore>? ObjectStore => null;

    public async Task InitializeAsync()
    {
        var connection = UsePostgres ? await (await PostgresServer.SharedAsync()).CreateDatabaseAsync() : null;
        Host = await WalrusHost.StartAsync(connection, o => new WalrusOptions
        {
            DataDir = o.DataDir, Url = o.Url, PostgresConnectionString = o.PostgresConnectionString,
            MinPartBytes = 5 * 1024 * 1024, LifecycleDay = TimeSpan.FromSeconds(1), LifecycleInterval = TimeSpan.FromMilliseconds(500),
        }, objectStore: ObjectStore);
        Alice = await Host.CreateAccountAsync("alice");
        Bob = await Host.CreateAccountAsync("bob");
        AliceS3 = Host.Client(Alice);
        BobS3 = Host.Client(Bob);
        Anonymous = Host.AnonymousClient();
    }

    public async Task DisposeAsync()
    {
        AliceS3?.Dispose();
        BobS3?.Dispose();
        Anonymous?.Dispose();
        if (Host is not null)
            await Host.DisposeAsync();
    }

    /// <summary>A raw HTTP client signing as <paramref name="key"/> (see <see cref="RawS3"/>).</summary>
    public RawS3 Raw(AccessKey key) => new(Host.Endpoint, key.AccessKeyId, key.SecretAccessKey);

    /// <summary>
    /// Runs the boto3 script <paramref name="script"/> (under scripts/) as alice against this Walrus with the endpoint, the
    /// bucket and <paramref name="more"/> as arguments; it must exit 0 and print "ok".
    /// </summary>
    public async Task RunBoto3ScriptAsync(string script, string bucket, params string[] more)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "scripts", script);
        var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/python3", [path, Host.Endpoint.ToString(), bucket, .. more],
            new Dictionary<string, string>
            {
                ["AWS_ACCESS_KEY_ID"] = Alice.AccessKeyId, ["AWS_SECRET_ACCESS_KEY"] = Alice.SecretAccessKey,
                ["AWS_CONFIG_FILE"] = "/dev/null", ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
            });
        Assert.True(code == 0, $"boto3 script {script} failed ({code}):\n{stdout}\n{stderr}");
        Assert.Equal("ok", stdout.Trim());
    }

    /// <summary>Creates a fresh bucket owned by alice.</summary>
    public async Task<string> AliceBucketAsync(string hint = "b")
    {
        var bucket = NewBucketName(hint);
        await AliceS3.PutBucketAsync(bucket);
        return bucket;
    }

    public static async Task<string> ReadTextAsync(AmazonS3Client s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>A bucket name no other test uses.</summary>
    public static string NewBucketName(string hint = "b") => $"{hint}-{Guid.NewGuid():N}"[..Math.Min(63, hint.Length + 33)];
}

public sealed class SqliteWalrusFixture : WalrusFixture
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresWalrusFixture : WalrusFixture
{
    protected override bool UsePostgres => true;
}
