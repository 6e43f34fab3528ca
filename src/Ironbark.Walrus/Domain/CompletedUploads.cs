using System.Data.Common;
using Ironbark.Walrus.Store;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// Completed multipart uploads, remembered for <see cref="Kept"/>: S3 answers a CompleteMultipartUpload repeated with the
/// same part list (a client retrying after a lost answer) with the object the first one made, not NoSuchUpload, as long
/// as that object version is still there.
/// </summary>
public sealed class CompletedUploads(CompletedUploadStore records, WalrusStore store, TimeProvider time, ILogger<CompletedUploads> log)
{
    public static readonly TimeSpan Kept = TimeSpan.FromDays(1);

    /// <summary>Records a completion once the object is committed; a record that cannot be written only costs a retry its answer.</summary>
    public async Task RecordAsync(string uploadId, IReadOnlyList<(int PartNumber, string Etag)> requested, ObjectRow row, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        try
        {
            await records.RecordCompletedUploadAsync(new CompletedUploadRow
            {
                UploadId = uploadId, Bucket = row.Bucket, Key = row.Key, VersionId = row.VersionId, Etag = row.Etag,
                Parts = PartList(requested), CompletedMs = now.ToUnixTimeMilliseconds(),
            }, (now - Kept).ToUnixTimeMilliseconds(), CancellationToken.None);
        }
        catch (DbException e)
        {
            log.LogWarning(e, "Completed upload {UploadId} was not recorded; a repeated completion will answer NoSuchUpload", uploadId);
        }
    }

    /// <summary>The object an earlier completion of this upload with this part list made, or null.</summary>
    public async Task<ObjectRow?> FindRepeatAsync(string bucket, string key, string uploadId, IReadOnlyList<(int PartNumber, string Etag)> requested,
        CancellationToken ct)
    {
        var record = await records.GetCompletedUploadAsync(uploadId, ct);
        if (record is null || record.Bucket != bucket || record.Key != key || record.Parts != PartList(requested)
            || record.CompletedMs < (time.GetUtcNow() - Kept).ToUnixTimeMilliseconds())
            return null;
        var row = await store.GetObjectAsync(bucket, key, record.VersionId, ct);
        return row is { DeleteMarker: false } && row.Etag == record.Etag ? row : null;
    }

    private static string PartList(IReadOnlyList<(int PartNumber, string Etag)> parts) =>
        string.Join(',', parts.Select(p => $"{p.PartNumber}:{p.Etag.Trim().Trim('"')}"));
}
