using System.Collections.Concurrent;
using System.Security.Cryptography;
using Dapper;
using Ironbark.Common.Auth;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Identity;

/// <summary>
/// Accounts and their access keys, with secrets encrypted at rest: the CLC's own identity state, and the
/// credential source of its own request authentication (other components reach it through IdentityApi).
/// </summary>
public sealed class AccountStore : ICredentialSource
{
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE accounts (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            canonical_id TEXT NOT NULL UNIQUE,
            created_ms BIGINT NOT NULL);
        CREATE TABLE access_keys (
            access_key_id TEXT PRIMARY KEY,
            account_id TEXT NOT NULL REFERENCES accounts(id),
            secret_protected TEXT NOT NULL,
            active BOOLEAN NOT NULL,
            created_ms BIGINT NOT NULL);
        """,
    ];

    private readonly Database _db;
    private readonly SecretProtector _protector;
    private readonly ConcurrentDictionary<string, (AccessKey Key, Account Account, long LoadedMs)> _cache = new();
    private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);

    public AccountStore(Database db, SecretProtector protector)
    {
        _db = db;
        _protector = protector;
    }

    /// <summary>The cloud's secret key, which also protects the key service's key material.</summary>
    internal SecretProtector Protector => _protector;

    public Task MigrateAsync(CancellationToken ct = default) => _db.MigrateAsync("accounts", Migrations, ct);

    public async Task<Account> CreateAccountAsync(string name, CancellationToken ct = default)
    {
        if (!IsValidName(name))
            throw new AccountException("InvalidParameterValue", $"Account name '{name}' is invalid: use 1-63 lower-case letters, digits, '-' or '.'.");
        await using var connection = await _db.OpenAsync(ct);
        await using var tx = await _db.BeginWriteAsync(connection, ct);
        if (await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM accounts WHERE name = @name", new { name }, tx) > 0)
            throw new AccountException("EntityAlreadyExists", $"Account '{name}' already exists.");
        var account = new Account(NewAccountId(), name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await connection.ExecuteAsync(
            "INSERT INTO accounts (id, name, canonical_id, created_ms) VALUES (@Id, @Name, @CanonicalId, @CreatedMs)", account, tx);
        await tx.CommitAsync(ct);
        return account;
    }

    public async Task<Account?> FindAccountAsync(string nameOrId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(
            "SELECT id AS Id, name AS Name, canonical_id AS CanonicalId, created_ms AS CreatedMs FROM accounts WHERE name = @v OR id = @v",
            new { v = nameOrId });
    }

    public async Task<Account?> FindByCanonicalIdAsync(string canonicalId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(
            "SELECT id AS Id, name AS Name, canonical_id AS CanonicalId, created_ms AS CreatedMs FROM accounts WHERE canonical_id = @canonicalId",
            new { canonicalId });
    }

    public async Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<Account>(
            "SELECT id AS Id, name AS Name, canonical_id AS CanonicalId, created_ms AS CreatedMs FROM accounts ORDER BY name");
        return rows.ToList();
    }

    /// <summary>Creates a key; the returned record is the only time the secret is shown.</summary>
    public async Task<AccessKey> CreateAccessKeyAsync(string accountName, CancellationToken ct = default)
    {
        var account = await FindAccountAsync(accountName, ct)
                      ?? throw new AccountException("NoSuchEntity", $"Account '{accountName}' does not exist.");
        var key = new AccessKey(NewAccessKeyId(), NewSecret(), account.Id, true, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await using var connection = await _db.OpenAsync(ct);
        await connection.ExecuteAsync(
            "INSERT INTO access_keys (access_key_id, account_id, secret_protected, active, created_ms) VALUES (@id, @account, @secret, @active, @created)",
            new { id = key.AccessKeyId, account = key.AccountId, secret = _protector.Protect(key.SecretAccessKey), active = true, created = key.CreatedMs });
        return key;
    }

    public async Task<bool> DeleteAccessKeyAsync(string accessKeyId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        var deleted = await connection.ExecuteAsync("DELETE FROM access_keys WHERE access_key_id = @accessKeyId", new { accessKeyId });
        _cache.TryRemove(accessKeyId, out _);
        return deleted > 0;
    }

    public async Task<IReadOnlyList<string>> ListAccessKeyIdsAsync(string accountId, CancellationToken ct = default)
    {
        await using var connection = await _db.OpenAsync(ct);
        var rows = await connection.QueryAsync<string>(
            "SELECT access_key_id FROM access_keys WHERE account_id = @accountId ORDER BY created_ms", new { accountId });
        return rows.ToList();
    }

    /// <summary>
    /// Looks up an active key and its account for request authentication. Answers are cached for a
    /// few seconds, so a deleted key stops working within that time on every component.
    /// </summary>
    public async Task<(AccessKey Key, Account Account)?> ResolveAsync(string accessKeyId, CancellationToken ct = default)
    {
        var now = Environment.TickCount64;
        if (_cache.TryGetValue(accessKeyId, out var hit) && now - hit.LoadedMs < CacheLifetime.TotalMilliseconds)
            return (hit.Key, hit.Account);
        await using var connection = await _db.OpenAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<KeyRow>(
            """
            SELECT k.access_key_id AS AccessKeyId, k.secret_protected AS SecretProtected, k.active AS Active, k.created_ms AS KeyCreatedMs,
                   a.id AS AccountId, a.name AS Name, a.canonical_id AS CanonicalId, a.created_ms AS CreatedMs
            FROM access_keys k JOIN accounts a ON a.id = k.account_id WHERE k.access_key_id = @accessKeyId
            """, new { accessKeyId });
        if (row is null || !row.Active)
        {
            _cache.TryRemove(accessKeyId, out _);
            return null;
        }
        var key = new AccessKey(row.AccessKeyId, _protector.Unprotect(row.SecretProtected), row.AccountId, row.Active, row.KeyCreatedMs);
        var account = new Account(row.AccountId, row.Name, row.CanonicalId, row.CreatedMs);
        _cache[accessKeyId] = (key, account, now);
        return (key, account);
    }

    async Task<SigningCredential?> ICredentialSource.FindAccessKeyAsync(string accessKeyId, CancellationToken ct) =>
        await ResolveAsync(accessKeyId, ct) is var (key, account) ? new SigningCredential(key.AccessKeyId, key.SecretAccessKey, account.Identity) : null;

    async Task<AccountIdentity?> ICredentialSource.FindAccountByIdAsync(string accountId, CancellationToken ct) =>
        await FindAccountAsync(accountId, ct) is { } account && account.Id == accountId ? account.Identity : null;

    async Task<AccountIdentity?> ICredentialSource.FindAccountByCanonicalIdAsync(string canonicalId, CancellationToken ct) =>
        (await FindByCanonicalIdAsync(canonicalId, ct))?.Identity;

    /// <summary>Creates the cloud admin account and its first key on the first start; returns the key when it was created.</summary>
    public async Task<AccessKey?> EnsureAdminAsync(CancellationToken ct = default)
    {
        if (await FindAccountAsync(Account.AdminName, ct) is not null)
            return null;
        try
        {
            await CreateAccountAsync(Account.AdminName, ct);
        }
        catch (AccountException e) when (e.Code == "EntityAlreadyExists")
        {
            return null;
        }
        return await CreateAccessKeyAsync(Account.AdminName, ct);
    }

    public static bool IsValidName(string name) =>
        name.Length is >= 1 and <= 63 && name.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.');

    private static string NewAccountId() => string.Concat(Enumerable.Range(0, 12).Select(_ => (char)('0' + RandomNumberGenerator.GetInt32(10))));

    private static string NewAccessKeyId()
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        return "AKIA" + string.Concat(Enumerable.Range(0, 16).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]));
    }

    private static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', 'x').Replace('/', 'y');

    private sealed class KeyRow
    {
        public string AccessKeyId { get; set; } = "";
        public string SecretProtected { get; set; } = "";
        public bool Active { get; set; }
        public long KeyCreatedMs { get; set; }
        public string AccountId { get; set; } = "";
        public string Name { get; set; } = "";
        public string CanonicalId { get; set; } = "";
        public long CreatedMs { get; set; }
    }
}
