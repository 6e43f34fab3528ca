using System.Data.Common;
using System.Text;
using Dapper;
using Ironbark.Clc.Identity;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Keys;

/// <summary>
/// The key service's state in the CLC's database: keys (material encrypted under the cloud's secret key, bound to the
/// key's id) and aliases.
/// </summary>
public sealed class KeyStore(Database db, SecretProtector protector)
{
    private const string KeyColumns =
        "key_id AS KeyId, account_id AS AccountId, description AS Description, key_state AS KeyState, key_manager AS KeyManager, " +
        "material_protected AS MaterialProtected, created_ms AS CreatedMs";

    /// <summary>Stores a new key with its material; with <paramref name="alias"/>, the alias naming it in the same transaction.</summary>
    public async Task InsertAsync(KeyRow key, byte[] material, string? alias, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await InsertAsync(c, tx, key, material, alias);
        await tx.CommitAsync(ct);
    }

    private KeyRow Protected(KeyRow key, byte[] material) => new()
    {
        KeyId = key.KeyId, AccountId = key.AccountId, Description = key.Description, KeyState = key.KeyState,
        KeyManager = key.KeyManager, CreatedMs = key.CreatedMs, MaterialProtected = protector.Protect(material, Encoding.UTF8.GetBytes(key.KeyId)),
    };

    /// <summary>The key's material, decrypted under the cloud's secret key.</summary>
    public byte[] Material(KeyRow key) => protector.UnprotectBytes(key.MaterialProtected, Encoding.UTF8.GetBytes(key.KeyId));

    /// <summary>
    /// The key <paramref name="alias"/> of <paramref name="accountId"/> names, made by <paramref name="make"/> with the alias
    /// when there is none yet; two callers at once get the same key.
    /// </summary>
    public async Task<KeyRow> FindOrCreateAliasedAsync(string accountId, string alias, Func<(KeyRow Key, byte[] Material)> make, CancellationToken ct)
    {
        if (await FindByAliasAsync(accountId, alias, ct) is { } existing)
            return existing;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, $"kms-alias:{accountId}:{alias}");
        if (await FindByAliasAsync(c, tx, accountId, alias) is { } raced)
            return raced;
        var (key, material) = make();
        await InsertAsync(c, tx, key, material, alias);
        await tx.CommitAsync(ct);
        return await FindAsync(key.KeyId, ct) ?? throw new InvalidOperationException($"The key {key.KeyId} was not stored.");
    }

    public async Task<KeyRow?> FindAsync(string keyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<KeyRow>($"SELECT {KeyColumns} FROM kms_keys WHERE key_id = @keyId", new { keyId });
    }

    public async Task<KeyRow?> FindByAliasAsync(string accountId, string alias, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await FindByAliasAsync(c, null, accountId, alias);
    }

    public async Task<IReadOnlyList<KeyRow>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<KeyRow>($"SELECT {KeyColumns} FROM kms_keys WHERE account_id = @accountId ORDER BY created_ms, key_id",
            new { accountId })).ToList();
    }

    public async Task<bool> SetStateAsync(string keyId, string state, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync("UPDATE kms_keys SET key_state = @state WHERE key_id = @keyId", new { keyId, state }) > 0;
    }

    /// <summary>Adds an alias unless the account has one of that name; false when it has.</summary>
    public async Task<bool> TryInsertAliasAsync(string accountId, string alias, string keyId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, $"kms-alias:{accountId}:{alias}");
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM kms_aliases WHERE account_id = @accountId AND alias_name = @alias",
                new { accountId, alias }, tx) > 0)
            return false;
        await InsertAliasAsync(c, tx, accountId, alias, keyId);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<bool> DeleteAliasAsync(string accountId, string alias, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync("DELETE FROM kms_aliases WHERE account_id = @accountId AND alias_name = @alias", new { accountId, alias }) > 0;
    }

    /// <summary>The account's aliases as (name, key id, created), by name.</summary>
    public async Task<IReadOnlyList<(string Alias, string KeyId, long CreatedMs)>> ListAliasesAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string, string, long)>(
            "SELECT alias_name, key_id, created_ms FROM kms_aliases WHERE account_id = @accountId ORDER BY alias_name", new { accountId });
        return rows.ToList();
    }

    private static async Task<KeyRow?> FindByAliasAsync(DbConnection c, DbTransaction? tx, string accountId, string alias) =>
        await c.QuerySingleOrDefaultAsync<KeyRow>(
            $"SELECT {KeyColumns} FROM kms_keys WHERE key_id = (SELECT key_id FROM kms_aliases WHERE account_id = @accountId AND alias_name = @alias)",
            new { accountId, alias }, tx);

    private async Task InsertAsync(DbConnection c, DbTransaction tx, KeyRow key, byte[] material, string? alias)
    {
        var row = Protected(key, material);
        await c.ExecuteAsync(
            "INSERT INTO kms_keys (key_id, account_id, description, key_state, key_manager, material_protected, created_ms) " +
            "VALUES (@KeyId, @AccountId, @Description, @KeyState, @KeyManager, @MaterialProtected, @CreatedMs)", row, tx);
        if (alias is not null)
            await InsertAliasAsync(c, tx, key.AccountId, alias, key.KeyId);
    }

    private static Task InsertAliasAsync(DbConnection c, DbTransaction tx, string accountId, string alias, string keyId) =>
        c.ExecuteAsync("INSERT INTO kms_aliases (account_id, alias_name, key_id, created_ms) VALUES (@accountId, @alias, @keyId, @created)",
            new { accountId, alias, keyId, created = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, tx);
}
