using Dapper;

namespace Ironbark.Walrus.Store;

/// <summary>Writes the Object Lock columns of one object version (objects.lock_mode, lock_until_ms, legal_hold).</summary>
public sealed class ObjectLockStore(WalrusStore store)
{
    /// <summary>
    /// Sets a version's retention (null mode and date remove it) once <paramref name="check"/> passes on the version as it
    /// is in the transaction, so a retention changed meanwhile is judged as it now is. False when the version is gone.
    /// </summary>
    public async Task<bool> SetRetentionAsync(ObjectRow version, string? mode, long? untilMs, Action<ObjectRow> check, CancellationToken ct)
    {
        var db = store.Database;
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, $"object:{version.Bucket}/{version.Key}");
        var row = await c.QuerySingleOrDefaultAsync<ObjectRow>(
            "SELECT bucket, key, version_id, delete_marker, lock_mode, lock_until_ms, legal_hold FROM objects WHERE bucket = @Bucket AND key = @Key AND version_id = @VersionId",
            version, tx);
        if (row is null)
            return false;
        check(row);
        await c.ExecuteAsync(
            "UPDATE objects SET lock_mode = @mode, lock_until_ms = @untilMs WHERE bucket = @Bucket AND key = @Key AND version_id = @VersionId",
            new { version.Bucket, version.Key, version.VersionId, mode, untilMs }, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    public async Task SetLegalHoldAsync(ObjectRow version, bool on, CancellationToken ct)
    {
        await using var c = await store.Database.OpenAsync(ct);
        await c.ExecuteAsync("UPDATE objects SET legal_hold = @on WHERE bucket = @Bucket AND key = @Key AND version_id = @VersionId",
            new { version.Bucket, version.Key, version.VersionId, on });
    }
}
