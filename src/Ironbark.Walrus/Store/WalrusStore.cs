using System.Data.Common;
using System.Security.Cryptography;
using Dapper;
using Ironbark.Common.Data;

namespace Ironbark.Walrus.Store;

/// <summary>
/// Walrus metadata: buckets, object versions, multipart uploads and parts. Every write that
/// replaces or removes bytes returns the blob ids it released, for the caller to delete only
/// after the commit.
/// </summary>
public sealed class WalrusStore(Database db)
{
    private const string ObjectColumns =
        "bucket, key, version_id, seq, is_latest, delete_marker, blob_id, size, etag, last_modified_ms, owner_canonical, headers, acl, tags, " +
        "encryption, lock_mode, lock_until_ms, legal_hold, checksum, parts";

    static WalrusStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public Database Database => db;

    public Task MigrateAsync(CancellationToken ct) => db.MigrateAsync("walrus", [
        $"""
        CREATE TABLE buckets (
            name TEXT PRIMARY KEY, owner_id TEXT NOT NULL, owner_canonical TEXT NOT NULL, region TEXT NOT NULL,
            created_ms BIGINT NOT NULL, versioning TEXT NOT NULL, acl TEXT NOT NULL,
            policy TEXT, cors TEXT, lifecycle TEXT, tagging TEXT);
        CREATE TABLE objects (
            bucket TEXT NOT NULL, key {db.BinaryText} NOT NULL, version_id TEXT NOT NULL, seq BIGINT NOT NULL,
            is_latest BOOLEAN NOT NULL, delete_marker BOOLEAN NOT NULL, blob_id TEXT, size BIGINT NOT NULL,
            etag TEXT NOT NULL, last_modified_ms BIGINT NOT NULL, owner_canonical TEXT NOT NULL,
            headers TEXT NOT NULL, acl TEXT NOT NULL, tags TEXT,
            PRIMARY KEY (bucket, key, version_id));
        CREATE INDEX objects_latest ON objects (bucket, is_latest, key);
        CREATE TABLE uploads (
            upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key {db.BinaryText} NOT NULL, owner_canonical TEXT NOT NULL,
            initiated_ms BIGINT NOT NULL, headers TEXT NOT NULL, acl TEXT NOT NULL, tags TEXT);
        CREATE INDEX uploads_bucket ON uploads (bucket, key);
        CREATE TABLE parts (
            upload_id TEXT NOT NULL, part_number INTEGER NOT NULL, blob_id TEXT NOT NULL, size BIGINT NOT NULL,
            etag TEXT NOT NULL, last_modified_ms BIGINT NOT NULL, PRIMARY KEY (upload_id, part_number));
        """,
        // Small objects keep their bytes in their row (see ObjectRow.InlineData); blob_id is then NULL.
        $"ALTER TABLE objects ADD COLUMN inline_data {db.BinaryType}",
        // The second round of S3 (docs/walrus.md): encryption at rest, Object Lock, public access, ownership, checksums.
        """
        ALTER TABLE buckets ADD COLUMN encryption TEXT;
        ALTER TABLE buckets ADD COLUMN object_lock TEXT;
        ALTER TABLE buckets ADD COLUMN public_access_block TEXT;
        ALTER TABLE buckets ADD COLUMN ownership TEXT;
        ALTER TABLE objects ADD COLUMN encryption TEXT;
        ALTER TABLE objects ADD COLUMN lock_mode TEXT;
        ALTER TABLE objects ADD COLUMN lock_until_ms BIGINT;
        ALTER TABLE objects ADD COLUMN legal_hold BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE objects ADD COLUMN checksum TEXT;
        ALTER TABLE objects ADD COLUMN parts TEXT;
        ALTER TABLE uploads ADD COLUMN encryption TEXT;
        ALTER TABLE uploads ADD COLUMN checksum TEXT;
        ALTER TABLE uploads ADD COLUMN object_lock TEXT;
        ALTER TABLE parts ADD COLUMN checksum TEXT;
        ALTER TABLE parts ADD COLUMN encryption TEXT;
        """,
        // Completed multipart uploads, for a day, so that a repeated CompleteMultipartUpload answers as the first did.
        $"""
        CREATE TABLE completed_uploads (
            upload_id TEXT PRIMARY KEY, bucket TEXT NOT NULL, key {db.BinaryText} NOT NULL, version_id TEXT NOT NULL,
            etag TEXT NOT NULL, parts TEXT NOT NULL, completed_ms BIGINT NOT NULL);
        CREATE INDEX completed_uploads_age ON completed_uploads (completed_ms);
        """,
    ], ct);

    // ---- buckets -------------------------------------------------------------------------

    public async Task<BucketRow?> GetBucketAsync(string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<BucketRow>("SELECT * FROM buckets WHERE name = @name", new { name });
    }

    public async Task<IReadOnlyList<BucketRow>> ListBucketsAsync(string ownerId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<BucketRow>("SELECT * FROM buckets WHERE owner_id = @ownerId ORDER BY name", new { ownerId })).ToList();
    }

    /// <summary>Inserts the bucket unless the name is taken; returns the existing owner's id when it is.</summary>
    public async Task<string?> TryCreateBucketAsync(BucketRow bucket, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "bucket:" + bucket.Name);
        var owner = await c.QuerySingleOrDefaultAsync<string>("SELECT owner_id FROM buckets WHERE name = @Name", bucket, tx);
        if (owner is not null)
            return owner;
        await c.ExecuteAsync(
            """
            INSERT INTO buckets (name, owner_id, owner_canonical, region, created_ms, versioning, acl, encryption, object_lock, public_access_block, ownership)
            VALUES (@Name, @OwnerId, @OwnerCanonical, @Region, @CreatedMs, @Versioning, @Acl, @Encryption, @ObjectLock, @PublicAccessBlock, @Ownership)
            """, bucket, tx);
        await tx.CommitAsync(ct);
        return null;
    }

    /// <summary>Deletes the bucket if it holds no object version and no upload; false when it is not empty.</summary>
    public async Task<bool> DeleteBucketIfEmptyAsync(string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "bucket:" + name);
        var used = await c.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM objects WHERE bucket = @name LIMIT 1) o) + (SELECT COUNT(*) FROM (SELECT 1 FROM uploads WHERE bucket = @name LIMIT 1) u)",
            new { name }, tx);
        if (used > 0)
            return false;
        await c.ExecuteAsync("DELETE FROM buckets WHERE name = @name", new { name }, tx);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Sets one configuration column of a bucket (acl, policy, cors, lifecycle, tagging, versioning, encryption, object lock…).</summary>
    public async Task SetBucketFieldAsync(string name, BucketField field, string? value, CancellationToken ct)
    {
        var column = field switch
        {
            BucketField.Acl => "acl",
            BucketField.Policy => "policy",
            BucketField.Cors => "cors",
            BucketField.Lifecycle => "lifecycle",
            BucketField.Tagging => "tagging",
            BucketField.Versioning => "versioning",
            BucketField.Encryption => "encryption",
            BucketField.ObjectLock => "object_lock",
            BucketField.PublicAccessBlock => "public_access_block",
            BucketField.Ownership => "ownership",
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync($"UPDATE buckets SET {column} = @value WHERE name = @name", new { name, value });
    }

    // ---- objects -------------------------------------------------------------------------

    /// <summary>One version (the latest when <paramref name="versionId"/> is null), with its bytes if they are inline.</summary>
    public async Task<ObjectRow?> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return versionId is null
            ? await c.QuerySingleOrDefaultAsync<ObjectRow>(
                $"SELECT {ObjectColumns}, inline_data FROM objects WHERE bucket = @bucket AND key = @key AND is_latest", new { bucket, key })
            : await c.QuerySingleOrDefaultAsync<ObjectRow>(
                $"SELECT {ObjectColumns}, inline_data FROM objects WHERE bucket = @bucket AND key = @key AND version_id = @versionId",
                new { bucket, key, versionId });
    }

    /// <summary>
    /// Makes <paramref name="row"/> the latest version of its key. With versioning enabled the row
    /// gets a new version id and older versions stay; otherwise it replaces the "null" version.
    /// Returns the blobs no longer referenced; throws <see cref="WriteConditionFailedException"/> (writing nothing)
    /// when <paramref name="condition"/> does not hold.
    /// </summary>
    /// <remarks>Concurrent PUTs share a group commit (<see cref="Database.WriteBatchedAsync{T}"/>).</remarks>
    public Task<List<string>> PutObjectAsync(ObjectRow row, bool versioningEnabled, CancellationToken ct, WriteCondition? condition = null) =>
        db.WriteBatchedAsync((c, tx) => PutObjectInTxAsync(c, tx, row, versioningEnabled, condition), ct);

    private async Task<List<string>> PutObjectInTxAsync(DbConnection c, DbTransaction tx, ObjectRow row, bool versioningEnabled, WriteCondition? condition)
    {
        await db.LockAsync(c, tx, $"object:{row.Bucket}/{row.Key}");
        if (condition is not null)
        {
            var current = await c.QuerySingleOrDefaultAsync<ObjectRow>(
                $"SELECT {ObjectColumns} FROM objects WHERE bucket = @Bucket AND key = @Key AND is_latest", row, tx);
            if (condition.Check(current) is not WriteCondition.Failure.None and var failure)
                throw new WriteConditionFailedException(failure);
        }
        var freed = new List<string>();
        row.VersionId = versioningEnabled ? NewVersionId() : ObjectRow.NullVersion;
        // Every statement here runs under the database's single write lock, so a PUT uses as few as it can.
        if (!versioningEnabled)
        {
            var old = await c.QuerySingleOrDefaultAsync<string>(
                "DELETE FROM objects WHERE bucket = @Bucket AND key = @Key AND version_id = 'null' RETURNING blob_id", row, tx);
            if (old is not null)
                freed.Add(old);
        }
        // "is_latest = TRUE", not "is_latest": only an equality lets SQLite seek objects_latest on all three columns;
        // the bare column made it scan every row of the bucket, under the write lock, on every PUT.
        await c.ExecuteAsync("UPDATE objects SET is_latest = FALSE WHERE bucket = @Bucket AND key = @Key AND is_latest = TRUE", row, tx);
        row.IsLatest = true;
        row.Seq = await c.ExecuteScalarAsync<long>(
            $"""
            INSERT INTO objects ({ObjectColumns}, inline_data) VALUES (@Bucket, @Key, @VersionId,
                (SELECT COALESCE(MAX(seq), 0) + 1 FROM objects WHERE bucket = @Bucket AND key = @Key),
                @IsLatest, @DeleteMarker, @BlobId, @Size, @Etag, @LastModifiedMs, @OwnerCanonical, @Headers, @Acl, @Tags,
                @Encryption, @LockMode, @LockUntilMs, @LegalHold, @Checksum, @Parts, @InlineData)
            RETURNING seq
            """, row, tx);
        return freed;
    }

    /// <summary>Removes one version; if it was the latest, the newest remaining version becomes latest.</summary>
    /// <param name="onlyIf">Delete only if the version is still this write (not replaced since it was read).</param>
    /// <param name="check">Runs on the version as the transaction reads it and may refuse the delete by throwing (Object Lock).</param>
    public async Task<(ObjectRow? Removed, List<string> Freed)> DeleteVersionAsync(string bucket, string key, string versionId, CancellationToken ct,
        ObjectRow? onlyIf = null, Action<ObjectRow>? check = null)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, $"object:{bucket}/{key}");
        var row = await c.QuerySingleOrDefaultAsync<ObjectRow>(
            $"SELECT {ObjectColumns} FROM objects WHERE bucket = @bucket AND key = @key AND version_id = @versionId", new { bucket, key, versionId }, tx);
        if (row is null || (onlyIf is not null && !onlyIf.IsSameWrite(row)))
            return (null, []);
        check?.Invoke(row);
        await c.ExecuteAsync("DELETE FROM objects WHERE bucket = @bucket AND key = @key AND version_id = @versionId", new { bucket, key, versionId }, tx);
        if (row.IsLatest)
            await c.ExecuteAsync(
                "UPDATE objects SET is_latest = TRUE WHERE bucket = @bucket AND key = @key AND seq = (SELECT MAX(seq) FROM objects WHERE bucket = @bucket AND key = @key)",
                new { bucket, key }, tx);
        await tx.CommitAsync(ct);
        return (row, row.BlobId is null ? [] : [row.BlobId]);
    }

    /// <summary>Deletes the current object of an unversioned bucket; returns the removed row.</summary>
    public async Task<(ObjectRow? Removed, List<string> Freed)> DeleteNullVersionAsync(string bucket, string key, CancellationToken ct) =>
        await DeleteVersionAsync(bucket, key, ObjectRow.NullVersion, ct);

    /// <summary>Adds a delete marker as the latest version (versioning enabled or suspended).</summary>
    public Task<List<string>> PutDeleteMarkerAsync(ObjectRow marker, bool versioningEnabled, CancellationToken ct, WriteCondition? condition = null)
    {
        marker.DeleteMarker = true;
        marker.BlobId = null;
        marker.InlineData = null;
        marker.Size = 0;
        marker.Etag = "";
        return PutObjectAsync(marker, versioningEnabled, ct, condition);
    }

    public async Task SetObjectFieldAsync(string bucket, string key, string versionId, ObjectField field, string? value, CancellationToken ct)
    {
        var column = field == ObjectField.Acl ? "acl" : "tags";
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync($"UPDATE objects SET {column} = @value WHERE bucket = @bucket AND key = @key AND version_id = @versionId",
            new { bucket, key, versionId, value });
    }

    /// <summary>Latest, non-deleted objects in key order, from <paramref name="from"/> (inclusive or not).</summary>
    public async Task<IReadOnlyList<ObjectRow>> ListLatestAsync(string bucket, string from, bool inclusive, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ObjectRow>(
            $"SELECT {ObjectColumns} FROM objects WHERE bucket = @bucket AND is_latest AND NOT delete_marker AND key {(inclusive ? ">=" : ">")} @from ORDER BY key LIMIT @limit",
            new { bucket, from, limit })).ToList();
    }

    /// <summary>Every version and delete marker in key order, newest first within a key.</summary>
    public async Task<IReadOnlyList<ObjectRow>> ListVersionsAsync(string bucket, string prefix, string afterKey, long? beforeSeq, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var floor = string.CompareOrdinal(prefix, afterKey) > 0 ? prefix : afterKey;
        var sql = beforeSeq is null
            ? $"SELECT {ObjectColumns} FROM objects WHERE bucket = @bucket AND key {(string.CompareOrdinal(prefix, afterKey) > 0 ? ">=" : ">")} @floor ORDER BY key, seq DESC LIMIT @limit"
            : $"SELECT {ObjectColumns} FROM objects WHERE bucket = @bucket AND ((key = @afterKey AND seq < @beforeSeq) OR key > @afterKey) AND key >= @prefix ORDER BY key, seq DESC LIMIT @limit";
        return (await c.QueryAsync<ObjectRow>(sql, new { bucket, floor, afterKey, beforeSeq, prefix, limit })).ToList();
    }

    /// <summary>Every blob id the metadata references, for crash recovery of the blob store.</summary>
    public async Task<HashSet<string>> ReferencedBlobsAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var ids = await c.QueryAsync<string>("SELECT blob_id FROM objects WHERE blob_id IS NOT NULL UNION SELECT blob_id FROM parts");
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Buckets that have lifecycle rules.</summary>
    public async Task<IReadOnlyList<BucketRow>> BucketsWithLifecycleAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<BucketRow>("SELECT * FROM buckets WHERE lifecycle IS NOT NULL")).ToList();
    }

    /// <summary>
    /// Non-current versions (not latest) of a bucket under a prefix, for lifecycle expiry, each with the time it
    /// became non-current: when the next newer version of its key was written.
    /// </summary>
    public async Task<IReadOnlyList<(ObjectRow Row, DateTimeOffset NoncurrentSince)>> ListNoncurrentAsync(string bucket, string prefix, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var columns = string.Join(", ", ObjectColumns.Split(", ").Select(column => "o." + column));
        var rows = await c.QueryAsync<ObjectRow, long, (ObjectRow, long)>(
            $"""
            SELECT {columns}, COALESCE((SELECT n.last_modified_ms FROM objects n WHERE n.bucket = o.bucket AND n.key = o.key AND n.seq > o.seq
                                        ORDER BY n.seq LIMIT 1), o.last_modified_ms) AS noncurrent_since_ms
            FROM objects o WHERE o.bucket = @bucket AND NOT o.is_latest AND o.key >= @prefix ORDER BY o.key, o.seq LIMIT @limit
            """,
            (row, since) => (row, since), new { bucket, prefix, limit }, splitOn: "noncurrent_since_ms");
        return rows.Where(r => r.Item1.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(r => (r.Item1, DateTimeOffset.FromUnixTimeMilliseconds(r.Item2))).ToList();
    }

    // ---- multipart -----------------------------------------------------------------------

    public async Task CreateUploadAsync(UploadRow upload, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(
            """
            INSERT INTO uploads (upload_id, bucket, key, owner_canonical, initiated_ms, headers, acl, tags, encryption, checksum, object_lock)
            VALUES (@UploadId, @Bucket, @Key, @OwnerCanonical, @InitiatedMs, @Headers, @Acl, @Tags, @Encryption, @Checksum, @ObjectLock)
            """,
            upload);
    }

    public async Task<UploadRow?> GetUploadAsync(string uploadId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<UploadRow>("SELECT * FROM uploads WHERE upload_id = @uploadId", new { uploadId });
    }

    /// <summary>
    /// Uploads in S3's order (key, then initiation time), after the marker: past <paramref name="afterKey"/>'s
    /// uploads up to and including <paramref name="afterUploadId"/>, or past all of them when no upload id is given.
    /// </summary>
    public async Task<IReadOnlyList<UploadRow>> ListUploadsAsync(string bucket, string prefix, string afterKey, string afterUploadId, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        // The marker is a position in (key, initiated_ms, upload_id) order; without a known upload id the whole key is done.
        var afterInitiated = afterUploadId.Length == 0
            ? null
            : await c.QuerySingleOrDefaultAsync<long?>("SELECT initiated_ms FROM uploads WHERE upload_id = @afterUploadId", new { afterUploadId });
        return (await c.QueryAsync<UploadRow>(
            """
            SELECT * FROM uploads WHERE bucket = @bucket AND key >= @prefix AND (key > @afterKey OR (key = @afterKey
                AND (initiated_ms > @afterMs OR (initiated_ms = @afterMs AND upload_id > @afterUploadId))))
            ORDER BY key, initiated_ms, upload_id LIMIT @limit
            """,
            new { bucket, prefix, afterKey, afterUploadId, afterMs = afterInitiated ?? long.MaxValue, limit })).ToList();
    }

    /// <summary>Records a part, replacing an earlier upload of the same number; false when the upload is gone.</summary>
    public async Task<(bool Exists, List<string> Freed)> PutPartAsync(PartRow part, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "upload:" + part.UploadId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM uploads WHERE upload_id = @UploadId", part, tx) == 0)
            return (false, []);
        var old = await c.QuerySingleOrDefaultAsync<string>(
            "SELECT blob_id FROM parts WHERE upload_id = @UploadId AND part_number = @PartNumber", part, tx);
        await c.ExecuteAsync("DELETE FROM parts WHERE upload_id = @UploadId AND part_number = @PartNumber", part, tx);
        await c.ExecuteAsync(
            """
            INSERT INTO parts (upload_id, part_number, blob_id, size, etag, last_modified_ms, checksum, encryption)
            VALUES (@UploadId, @PartNumber, @BlobId, @Size, @Etag, @LastModifiedMs, @Checksum, @Encryption)
            """,
            part, tx);
        await tx.CommitAsync(ct);
        return (true, old is null ? [] : [old]);
    }

    public async Task<IReadOnlyList<PartRow>> ListPartsAsync(string uploadId, int afterPart, int limit, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<PartRow>(
            "SELECT * FROM parts WHERE upload_id = @uploadId AND part_number > @afterPart ORDER BY part_number LIMIT @limit",
            new { uploadId, afterPart, limit })).ToList();
    }

    /// <summary>
    /// Completes an upload in one transaction: the object row is written and the upload and its
    /// parts are removed. False when the upload vanished meanwhile (aborted or completed). When
    /// <paramref name="condition"/> does not hold, throws <see cref="WriteConditionFailedException"/> and the upload stays.
    /// </summary>
    public async Task<(bool Completed, List<string> Freed)> CompleteUploadAsync(string uploadId, ObjectRow row, bool versioningEnabled,
        WriteCondition? condition, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "upload:" + uploadId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM uploads WHERE upload_id = @uploadId", new { uploadId }, tx) == 0)
            return (false, []);
        var parts = (await c.QueryAsync<string>("SELECT blob_id FROM parts WHERE upload_id = @uploadId", new { uploadId }, tx)).ToList();
        await c.ExecuteAsync("DELETE FROM parts WHERE upload_id = @uploadId", new { uploadId }, tx);
        await c.ExecuteAsync("DELETE FROM uploads WHERE upload_id = @uploadId", new { uploadId }, tx);
        var freed = await PutObjectInTxAsync(c, tx, row, versioningEnabled, condition);
        await tx.CommitAsync(ct);
        freed.AddRange(parts);
        return (true, freed);
    }

    /// <summary>Removes an upload and its parts; returns null when there was no such upload.</summary>
    public async Task<List<string>?> AbortUploadAsync(string uploadId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "upload:" + uploadId);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM uploads WHERE upload_id = @uploadId", new { uploadId }, tx) == 0)
            return null;
        var parts = (await c.QueryAsync<string>("SELECT blob_id FROM parts WHERE upload_id = @uploadId", new { uploadId }, tx)).ToList();
        await c.ExecuteAsync("DELETE FROM parts WHERE upload_id = @uploadId", new { uploadId }, tx);
        await c.ExecuteAsync("DELETE FROM uploads WHERE upload_id = @uploadId", new { uploadId }, tx);
        await tx.CommitAsync(ct);
        return parts;
    }

    private static string NewVersionId() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '.').Replace('/', '_');
}

public enum BucketField { Acl, Policy, Cors, Lifecycle, Tagging, Versioning, Encryption, ObjectLock, PublicAccessBlock, Ownership }

public enum ObjectField { Acl, Tags }
