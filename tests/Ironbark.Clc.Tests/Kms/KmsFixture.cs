using Ironbark.Clc.Identity;
using Ironbark.Clc.Keys;
using Ironbark.Cloud;
using Ironbark.Common.Data;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Ironbark.Walrus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Tests.Kms;

/// <summary>
/// A CLC and a Walrus composed as `ironbark up` composes them (Walrus asks the CLC for keys and data keys over
/// mutual TLS), without a cluster: the key service is all these tests need. Two accounts, alice and bob, with
/// their access keys. Subclasses choose the database: SQLite in the data directory, or a PostgreSQL server of their own.
/// </summary>
public abstract class KmsFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private PostgresServer? _postgres;
    private Database _identityDb = null!;

    public RunningCloud Cloud { get; private set; } = null!;
    public ClcServer Server => Cloud.Get<ClcServer>();
    public WalrusServer Walrus => Cloud.Get<WalrusServer>();
    /// <summary>The CLC's own key service, in this process.</summary>
    public KeyService Keys => Server.Services.GetRequiredService<KeyService>();
    public AccountStore Accounts { get; private set; } = null!;
    public string? Postgres { get; private set; }
    public string DataDir => _dir.Path;
    public Account Alice { get; private set; } = null!;
    public AccessKey AliceKey { get; private set; } = null!;
    public Account Bob { get; private set; } = null!;
    public AccessKey BobKey { get; private set; } = null!;

    protected abstract bool UsePostgres { get; }

    public async Task InitializeAsync()
    {
        if (UsePostgres)
        {
            _postgres = await PostgresServer.StartAsync();
            Postgres = await _postgres.CreateDatabaseAsync();
        }
        _identityDb = new Database(DatabaseOptions.For(_dir.Path, "identity.db", Postgres));
        Accounts = new AccountStore(_identityDb, SecretProtector.LoadOrCreate(_dir.Combine("keys", "secrets.key")));
        await Accounts.MigrateAsync();
        new CloudCertificates(_dir.Combine("pki")).EnsureCreated();
        Cloud = await new CloudComposition()
            .AddWalrus(_ => new WalrusOptions { DataDir = _dir.Path, Url = "http://127.0.0.1:0", PostgresConnectionString = Postgres }, logging: Quiet)
            .AddClc(_ => new ClcOptions { DataDir = _dir.Path, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", PostgresConnectionString = Postgres },
                Accounts, Quiet)
            .StartAsync();
        Alice = await Accounts.CreateAccountAsync("alice");
        AliceKey = await Accounts.CreateAccessKeyAsync("alice");
        Bob = await Accounts.CreateAccountAsync("bob");
        BobKey = await Accounts.CreateAccessKeyAsync("bob");
    }

    /// <summary>The CLC's database, as the key store writes it (to read rows the API never shows).</summary>
    public Database OpenClcDatabase() => new(DatabaseOptions.For(_dir.Path, "clc.db", Postgres));

    public static void Quiet(ILoggingBuilder logging) => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);

    public async Task DisposeAsync()
    {
        if (Cloud is not null)
            await Cloud.StopAsync();
        if (_identityDb is not null)
            await _identityDb.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        _dir.Dispose();
    }
}

public sealed class SqliteKmsFixture : KmsFixture
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresKmsFixture : KmsFixture
{
    protected override bool UsePostgres => true;
}

[CollectionDefinition(Name)]
public sealed class SqliteKms : ICollectionFixture<SqliteKmsFixture>
{
    public const string Name = "KMS on SQLite";
}

[CollectionDefinition(Name)]
public sealed class PostgresKms : ICollectionFixture<PostgresKmsFixture>
{
    public const string Name = "KMS on PostgreSQL";
}
