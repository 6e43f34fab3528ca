using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>Key pairs and their tags.</summary>
public sealed class KeyPairStore(Database db)
{
    private const string Columns = "key_pair_id, account_id, key_name, key_type, fingerprint, public_key, created_ms";

    /// <summary>Inserts the key pair unless its account already has one of that name; false when it has.</summary>
    public async Task<bool> TryInsertAsync(KeyPair keyPair, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "key-pairs:" + keyPair.AccountId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM key_pairs WHERE account_id = @AccountId AND key_name = @KeyName", keyPair, tx) > 0)
            return false;
        await c.ExecuteAsync($"INSERT INTO key_pairs ({Columns}) VALUES (@KeyPairId, @AccountId, @KeyName, @KeyType, @Fingerprint, @PublicKey, @CreatedMs)", keyPair, tx);
        await TagRows.InsertAsync(c, tx, keyPair.KeyPairId, keyPair.AccountId, keyPair.Tags);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<KeyPair>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var keyPairs = (await c.QueryAsync<KeyPair>($"SELECT {Columns} FROM key_pairs WHERE account_id = @accountId ORDER BY key_name", new { accountId })).ToList();
        var tags = await TagRows.ForAccountAsync(c, accountId);
        foreach (var keyPair in keyPairs)
            keyPair.Tags = tags[keyPair.KeyPairId].ToList();
        return keyPairs;
    }

    /// <summary>Deletes the account's key pair of that name or id; returns its id, or null when there was none.</summary>
    public async Task<string?> DeleteAsync(string accountId, string? keyName, string? keyPairId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var id = await c.QuerySingleOrDefaultAsync<string>(
            "SELECT key_pair_id FROM key_pairs WHERE account_id = @accountId AND (key_name = @keyName OR key_pair_id = @keyPairId)",
            new { accountId, keyName, keyPairId }, tx);
        if (id is null)
            return null;
        await c.ExecuteAsync("DELETE FROM key_pairs WHERE key_pair_id = @id", new { id }, tx);
        await TagRows.DeleteAsync(c, tx, id);
        await tx.CommitAsync(ct);
        return id;
    }
}
