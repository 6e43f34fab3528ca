using Amazon.Runtime;
using Amazon.S3;
using Ironbark.Clc.Identity;
using Ironbark.Clc.Keys;
using Ironbark.Clc.Store;
using Ironbark.Cloud;
using Ironbark.Common.Data;
using Ironbark.Walrus;
using Ironbark.Walrus.Backends;
using Microsoft.Extensions.Logging;

namespace Ironbark.Testing;

/// <summary>
/// A real Walrus on a loopback port with its own data directory and account store (SQLite, or
/// PostgreSQL when a connection string is given), plus AWSSDK.S3 clients for its accounts. Walrus alone:
/// its credential source is the CLC's account store itself, in this process, where a cloud has Walrus ask the
/// CLC's identity service (tested by the cloud fixtures and the end-to-end tests). Its key service (SSE-KMS) is the CLC's
/// KeyService in this process too, over a CLC database of its own, where a cloud has Walrus ask the CLC over kms.proto.
/// </summary>
public sealed class WalrusHost : IAsyncDisposable
{
    private readonly TempDir _dir;
    private readonly Database _identityDb;
    private readonly Database _keyDb;
    private readonly Action<ILoggingBuilder>? _logging;
    private readonly Func<WalrusOptions, IObjectStore>? _objectStore;

    public WalrusServer Server { get; private set; }
    public AccountStore Accounts { get; }
    /// <summary>The key service Walrus uses: create keys for SSE-KMS with it (CreateKeyAsync).</summary>
    public KeyService Keys { get; }
    public WalrusOptions Options { get; private set; }
    public string DataDir => _dir.Path;
    public Uri Endpoint => Server.Endpoint;

    private WalrusHost(TempDir dir, Database identityDb, AccountStore accounts, Database keyDb, KeyService keys, WalrusServer server, WalrusOptions options,
        Action<ILoggingBuilder>? logging, Func<WalrusOptions, IObjectStore>? objectStore)
    {
        _keyDb = keyDb;
        Keys = keys;
        _logging = logging;
        _objectStore = objectStore;
        _dir = dir;
        _identityDb = identityDb;
        Accounts = accounts;
        Server = server;
        Options = options;
    }

    /// <param name="logging">Where Walrus logs go (its own console logging at Warning when null).</param>
    /// <param name="objectStore">The store for object bytes, made again at each restart (files under the data directory when null).</param>
    public static async Task<WalrusHost> StartAsync(string? postgres = null, Func<WalrusOptions, WalrusOptions>? configure = null,
        Action<ILoggingBuilder>? logging = null, Func<WalrusOptions, IObjectStore>? objectStore = null)
    {
        var dir = new TempDir();
        var identityDb = new Database(DatabaseOptions.For(dir.Path, "identity.db", postgres));
        var protector = SecretProtector.LoadOrCreate(dir.Combine("keys", "secrets.key"));
        var accounts = new AccountStore(identityDb, protector);
        await accounts.MigrateAsync();
        await accounts.EnsureAdminAsync();
        var keyDb = new Database(DatabaseOptions.For(dir.Path, "clc.db", postgres));
        await ClcSchema.MigrateAsync(keyDb, CancellationToken.None);
        var keys = new KeyService(new KeyStore(keyDb, protector), "ironbark");
        var options = new WalrusOptions { DataDir = dir.Path, Url = "http://127.0.0.1:0", PostgresConnectionString = postgres };
        if (configure is not null)
            options = configure(options);
        var server = await StartWalrusAsync(options, accounts, keys, logging, objectStore);
        return new WalrusHost(dir, identityDb, accounts, keyDb, keys, server, options, logging, objectStore);
    }

    /// <summary>Stops Walrus and starts it again on the same data (and a new port), as after a restart.</summary>
    public async Task RestartAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        Options = new WalrusOptions
        {
            DataDir = Options.DataDir, Url = "http://127.0.0.1:0", Domain = Options.Domain, Region = Options.Region,
            PostgresConnectionString = Options.PostgresConnectionString, MaxPutBytes = Options.MaxPutBytes,
            MinPartBytes = Options.MinPartBytes, LifecycleDay = Options.LifecycleDay, LifecycleInterval = Options.LifecycleInterval,
            ShutdownTimeout = Options.ShutdownTimeout,
        };
        Server = await StartWalrusAsync(Options, Accounts, Keys, _logging, _objectStore);
    }

    /// <summary>Walrus as the composition starts it, with the account store for its credentials, the key service and the object store the test chose.</summary>
    private static async Task<WalrusServer> StartWalrusAsync(WalrusOptions options, AccountStore accounts, KeyService keys, Action<ILoggingBuilder>? logging,
        Func<WalrusOptions, IObjectStore>? objectStore)
    {
        var cloud = await new CloudComposition().AddWalrus(_ => options, credentials: accounts, objectStore: objectStore, logging: logging, keys: keys).StartAsync();
        return cloud.Get<WalrusServer>();
    }

    /// <summary>Creates an account with a key and returns the key.</summary>
    public async Task<AccessKey> CreateAccountAsync(string name)
    {
        await Accounts.CreateAccountAsync(name);
        return await Accounts.CreateAccessKeyAsync(name);
    }

    public AmazonS3Client Client(AccessKey key, Action<AmazonS3Config>? configure = null) => Client(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey), configure);

    public AmazonS3Client AnonymousClient() => Client(new AnonymousAWSCredentials());

    public AmazonS3Client Client(AWSCredentials credentials, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "ironbark",
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(credentials, config);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        await Server.DisposeAsync();
        await _identityDb.DisposeAsync();
        await _keyDb.DisposeAsync();
        _dir.Dispose();
    }
}
