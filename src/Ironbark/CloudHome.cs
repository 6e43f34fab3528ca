using System.Text.Json;
using Ironbark.Common.Accounts;
using Ironbark.Common.Data;

namespace Ironbark;

/// <summary>
/// The data directory of a cloud on this host: the identity database, the secret key, the
/// endpoints the running services announced, and each component's state below it.
/// </summary>
public sealed class CloudHome(string dataDir, string? postgres)
{
    public string DataDir { get; } = Path.GetFullPath(dataDir);
    public string? Postgres { get; } = postgres;
    public string EndpointsFile => Path.Combine(DataDir, "endpoints.json");

    /// <summary>Opens the account store (creating the data directory and its schema on first use).</summary>
    public async Task<(AccountStore Store, Database Db)> OpenAccountsAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(DataDir);
        var db = new Database(DatabaseOptions.For(DataDir, "identity.db", Postgres));
        var store = new AccountStore(db, SecretProtector.LoadOrCreate(Path.Combine(DataDir, "keys", "secrets.key")));
        await store.MigrateAsync(ct);
        return (store, db);
    }

    public void WriteEndpoints(Endpoints endpoints) =>
        File.WriteAllText(EndpointsFile, JsonSerializer.Serialize(endpoints, new JsonSerializerOptions { WriteIndented = true }));

    public Endpoints ReadEndpoints() =>
        File.Exists(EndpointsFile) ? JsonSerializer.Deserialize<Endpoints>(File.ReadAllText(EndpointsFile)) ?? Endpoints.Default : Endpoints.Default;
}

/// <summary>Where the public APIs of a cloud answer, and its region.</summary>
public sealed record Endpoints(string S3Url, string Region)
{
    public static readonly Endpoints Default = new("http://127.0.0.1:8779", "ironbark");
}
