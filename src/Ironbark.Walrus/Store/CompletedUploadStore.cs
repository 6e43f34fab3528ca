using Dapper;
using Ironbark.Common.Data;

namespace Ironbark.Walrus.Store;

/// <summary>
/// The record of completed multipart uploads (table completed_uploads, made by WalrusStore's migrations), kept so that a
/// repeated CompleteMultipartUpload answers as the first did.
/// </summary>
public sealed class CompletedUploadStore(Database db)
{
    /// <summary>Records a completion and forgets those completed before <paramref name="forgetBeforeMs"/>.</summary>
    public async Task RecordCompletedUploadAsync(CompletedUploadRow row, long forgetBeforeMs, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync("DELETE FROM completed_uploads WHERE completed_ms < @forgetBeforeMs OR upload_id = @UploadId",
            new { forgetBeforeMs, row.UploadId }, tx);
        await c.ExecuteAsync(
            """
            INSERT INTO completed_uploads (upload_id, bucket, key, version_id, etag, parts, completed_ms)
            VALUES (@UploadId, @Bucket, @Key, @VersionId, @Etag, @Parts, @CompletedMs)
            """, row, tx);
        await tx.CommitAsync(ct);
    }

    public async Task<CompletedUploadRow?> GetCompletedUploadAsync(string uploadId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<CompletedUploadRow>("SELECT * FROM completed_uploads WHERE upload_id = @uploadId", new { uploadId });
    }
}
