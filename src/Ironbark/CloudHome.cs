using System.Text.Json;
using Ironbark.Clc.Identity;
using Ironbark.Common.Data;
using Ironbark.Common.Pki;

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

    /// <summary>
    /// Makes this data directory a cloud unless it is one (the CA and certificates, the secret key, the
    /// admin and system accounts) and opens its account store. Two processes initialising at once take
    /// turns on DATA/init.lock: the first creates, the second finds what the first made.
    /// </summary>
    public async Task<(AccountStore Store, Database Db, AccessKey? NewAdminKey, bool PkiCreated)> InitializeAsync(CancellationToken ct)
    {
        DataDirectoryPermissions.Create(DataDir);
        DataDirectoryPermissions.Check(DataDir);
        await using var _ = await InitLock.AcquireAsync(InitLockFile, create: true, ct);
        var (store, db) = await OpenAccountsAsync(ct);
        try
        {
            var newAdminKey = await store.EnsureAdminAsync(ct);
            var pkiCreated = Pki.EnsureCreated();
            // Written last: its presence is what makes the directory an initialised cloud.
            await EnsureSystemCredentialsAsync(store, ct);
            return (store, db, newAdminKey, pkiCreated);
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Opens the account store of an initialised cloud without creating anything; waits for an
    /// initialisation in progress to finish. Throws <see cref="NoCloudException"/> when there is no cloud here.
    /// </summary>
    public async Task<(AccountStore Store, Database Db)> OpenExistingAsync(CancellationToken ct)
    {
        if (!File.Exists(InitLockFile))
            throw new NoCloudException(DataDir);
        DataDirectoryPermissions.Check(DataDir);
        await using (await InitLock.AcquireAsync(InitLockFile, create: false, ct))
            if (!File.Exists(SystemCredentialsFile))
                throw new NoCloudException(DataDir);
        return await OpenAccountsAsync(ct);
    }

    /// <summary>
    /// Checks that this data directory holds the cloud's certificates (made by `ironbark init` on the CLC's host,
    /// or copied from it), as every component but the CLC needs; it never creates a cloud or opens its identity.
    /// </summary>
    /// <param name="systemCredentials">Whether the component also needs the cloud's system credentials (the NC fetches images with them).</param>
    public void RequireCertificates(bool systemCredentials)
    {
        if (!Pki.Exists)
            throw new NoCloudException(DataDir, "it has no cloud certificates (pki/): run `ironbark init` on the Cloud Controller's host, and copy its pki directory here");
        if (systemCredentials && !File.Exists(SystemCredentialsFile))
            throw new NoCloudException(DataDir, $"it has no system credentials ({SystemCredentialsFile}): copy the pki directory of the Cloud Controller's host whole");
        DataDirectoryPermissions.Check(DataDir);
    }

    private string InitLockFile => Path.Combine(DataDir, "init.lock");

    private async Task<(AccountStore Store, Database Db)> OpenAccountsAsync(CancellationToken ct)
    {
        var db = new Database(DatabaseOptions.For(DataDir, "identity.db", Postgres));
        var store = new AccountStore(db, SecretProtector.LoadOrCreate(Path.Combine(DataDir, "keys", "secrets.key")));
        await store.MigrateAsync(ct);
        return (store, db);
    }

    public CloudCertificates Pki => new(Path.Combine(DataDir, "pki"));

    private string SystemCredentialsFile => Path.Combine(DataDir, "pki", "system.credentials");

    /// <summary>
    /// The cloud's own credentials, used by components (the NC fetching images from Walrus). Created
    /// once, for the account "system", and kept in a file only the owner can read.
    /// </summary>
    private async Task<SystemCredentials> EnsureSystemCredentialsAsync(AccountStore accounts, CancellationToken ct)
    {
        if (File.Exists(SystemCredentialsFile))
            return JsonSerializer.Deserialize<SystemCredentials>(await File.ReadAllTextAsync(SystemCredentialsFile, ct))!;
        if (await accounts.FindAccountAsync(SystemCredentials.AccountName, ct) is null)
            await accounts.CreateAccountAsync(SystemCredentials.AccountName, ct);
        var key = await accounts.CreateAccessKeyAsync(SystemCredentials.AccountName, ct);
        var credentials = new SystemCredentials(key.AccessKeyId, key.SecretAccessKey);
        Directory.CreateDirectory(Path.GetDirectoryName(SystemCredentialsFile)!);
        await using (var stream = new FileStream(SystemCredentialsFile, new FileStreamOptions
                     {
                         Mode = FileMode.CreateNew, Access = FileAccess.Write,
                         UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                     }))
            await JsonSerializer.SerializeAsync(stream, credentials, cancellationToken: ct);
        return credentials;
    }

    public SystemCredentials ReadSystemCredentials() =>
        File.Exists(SystemCredentialsFile)
            ? JsonSerializer.Deserialize<SystemCredentials>(File.ReadAllText(SystemCredentialsFile))!
            : throw new InvalidOperationException($"No component credentials in {SystemCredentialsFile}: run `ironbark init` first.");

    public void WriteEndpoints(Endpoints endpoints) =>
        File.WriteAllText(EndpointsFile, JsonSerializer.Serialize(endpoints, new JsonSerializerOptions { WriteIndented = true }));

    public Endpoints ReadEndpoints() =>
        File.Exists(EndpointsFile) ? JsonSerializer.Deserialize<Endpoints>(File.ReadAllText(EndpointsFile)) ?? Endpoints.Default : Endpoints.Default;
}

/// <summary>The access key the cloud's components use towards Walrus.</summary>
public sealed record SystemCredentials(string AccessKeyId, string SecretAccessKey)
{
    public const string AccountName = "system";
}

/// <summary>Where the public APIs of a cloud answer, and its region.</summary>
/// <param name="ClcInternalUrl">The CLC's internal gRPC API (identity), where Walrus checks access keys.</param>
/// <param name="OutsideNamespace">`up` with the VPC network: the namespace that stands for the world beyond the public addresses (ip netns exec NAME ssh …).</param>
public sealed record Endpoints(string S3Url, string Region, string? NcUrl = null, string Ec2Url = "http://127.0.0.1:8773", string? CcUrl = null,
    string? ClcInternalUrl = null, string? OutsideNamespace = null)
{
    public static readonly Endpoints Default = new("http://127.0.0.1:8779", "ironbark");
}
