using System.Security.Cryptography;
using System.Text;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>Objects: store, fetch, copy, delete and list, with access checks and versioning.</summary>
public sealed class ObjectService(WalrusStore store, IObjectStore blobs, BucketService buckets, WalrusOptions options)
{
    public const int MaxKeyBytes = 1024;

    /// <summary>What a new object is stored with besides its bytes.</summary>
    public sealed record PutSpec(Dictionary<string, string> Headers, AccessControlList? Acl, string? Tags, byte[]? ContentMd5, long? ContentLength,
        WriteCondition? Condition = null, ObjectLockSettings? Lock = null, EncryptionPlan? Encryption = null, Func<StoredChecksum?>? Checksum = null);

    /// <param name="bucket">The bucket as the caller just read it (for the request's headers): read once per PUT, not twice.</param>
    /// <param name="checkLength">For uploads without a declared length (browser POST): a check of the received length.</param>
    public async Task<ObjectRow> PutAsync(Caller caller, BucketRow bucket, string key, Stream body, PutSpec spec, CancellationToken ct,
        long? maxBytes = null, Action<long>? checkLength = null)
    {
        ValidateKey(key);
        AccessEvaluator.Require(caller, bucket, S3Action.PutObject, key: key);
        ObjectOwnership.CheckAcl(bucket, spec.Acl);
        if (spec.ContentLength is null && checkLength is null)
            throw S3Errors.MissingContentLength();
        var limit = Math.Min(maxBytes ?? long.MaxValue, options.MaxPutBytes);
        if (spec.ContentLength > limit)
            throw S3Errors.EntityTooLarge(limit);
        await CheckConditionAsync(bucket.Name, key, spec.Condition, ct);
        if (spec.ContentLength <= options.InlineMaxBytes)
            return await PutInlineAsync(caller, bucket, key, body, spec, (int)spec.ContentLength.Value, ct);
        var blob = await WriteBlobAsync(body, limit, ct, spec.Encryption);
        return await CommitOrDiscardAsync(blob, key, async () =>
        {
            if (spec.ContentLength is not null && blob.Size != spec.ContentLength)
                throw S3Errors.IncompleteBody();
            checkLength?.Invoke(blob.Size);
            if (spec.ContentMd5 is not null && !spec.ContentMd5.AsSpan().SequenceEqual(blob.Md5))
                throw S3Errors.BadDigest();
            var row = NewRow(caller, bucket, key, spec.Headers, spec.Acl, spec.Tags);
            ObjectLockRules.Apply(row, bucket, spec.Lock, DateTimeOffset.UtcNow);
            row.Checksum = spec.Checksum?.Invoke()?.ToJson();
            row.BlobId = blob.Id;
            row.Size = blob.Size;
            row.Etag = "\"" + Convert.ToHexStringLower(blob.Md5) + "\"";
            row.Encryption = spec.Encryption?.ToJson(blob.Size);
            buckets.Release(await store.PutObjectAsync(row, bucket.Versioning == "Enabled", ct, spec.Condition));
            return row;
        });
    }

    /// <summary>
    /// A small object: its bytes go into its row, in the transaction that makes it the latest version, so there is
    /// no blob file to create, fsync and rename, and nothing to discard when the commit fails.
    /// </summary>
    private async Task<ObjectRow> PutInlineAsync(Caller caller, BucketRow bucket, string key, Stream body, PutSpec spec, int length,
        CancellationToken ct)
    {
        var data = new byte[length];
        var received = 0;
        int read;
        // Reads to the end (a signed body's hash is checked there); a byte beyond the declared length is an error.
        while ((read = await body.ReadAsync(received < length ? data.AsMemory(received) : new byte[1], ct)) > 0)
            if ((received += read) > length)
                throw S3Errors.IncompleteBody();
        if (received != length)
            throw S3Errors.IncompleteBody();
        var md5 = MD5.HashData(data);
        if (spec.ContentMd5 is not null && !spec.ContentMd5.AsSpan().SequenceEqual(md5))
            throw S3Errors.BadDigest();
        var row = NewRow(caller, bucket, key, spec.Headers, spec.Acl, spec.Tags);
        ObjectLockRules.Apply(row, bucket, spec.Lock, DateTimeOffset.UtcNow);
        row.Checksum = spec.Checksum?.Invoke()?.ToJson();
        row.InlineData = spec.Encryption?.SealInline(data) ?? data;
        row.Encryption = spec.Encryption?.ToJson(length);
        row.Size = length;
        row.Etag = "\"" + Convert.ToHexStringLower(md5) + "\"";
        return await CommitOrDiscardAsync(null, key, async () =>
        {
            buckets.Release(await store.PutObjectAsync(row, bucket.Versioning == "Enabled", ct, spec.Condition));
            return row;
        });
    }

    /// <summary>
    /// Runs <paramref name="commit"/>, the metadata change that makes a new blob (or, with none, inline bytes) reachable.
    /// If it fails, the blob is deleted, so nothing half-written stays; a failed write condition becomes its S3 error.
    /// </summary>
    internal async Task<T> CommitOrDiscardAsync<T>(StoredBlob? blob, string key, Func<Task<T>> commit)
    {
        try
        {
            return await commit();
        }
        catch (WriteConditionFailedException e)
        {
            if (blob is not null)
                buckets.Release([blob.Id]);
            throw S3Errors.WriteConditionFailed(e.Failure, key);
        }
        catch
        {
            if (blob is not null)
                buckets.Release([blob.Id]);
            throw;
        }
    }

    /// <summary>
    /// Fails a conditional write early, before any bytes are stored. Only an early answer: the store checks the
    /// condition again in the transaction that writes, where it counts.
    /// </summary>
    internal async Task CheckConditionAsync(string bucketName, string key, WriteCondition? condition, CancellationToken ct)
    {
        if (condition?.Check(await store.GetObjectAsync(bucketName, key, null, ct)) is { } failure and not WriteCondition.Failure.None)
            throw S3Errors.WriteConditionFailed(failure, key);
    }

    /// <summary>Streams a body into a blob (encrypted, with a plan), turning an oversized body into EntityTooLarge.</summary>
    public async Task<StoredBlob> WriteBlobAsync(Stream body, long maxBytes, CancellationToken ct, EncryptionPlan? encryption = null)
    {
        try
        {
            return encryption is null ? await blobs.WriteAsync(body, maxBytes, ct) : await encryption.WriteAsync(blobs, body, maxBytes, ct);
        }
        catch (BodyTooLargeException e)
        {
            throw S3Errors.EntityTooLarge(e.Limit);
        }
    }

    /// <summary>Finds an object version the caller may read; delete markers answer as S3 does.</summary>
    public async Task<(BucketRow Bucket, ObjectRow Row)> FindAsync(Caller caller, string bucketName, string key, string? versionId,
        S3Action action, CancellationToken ct)
    {
        var bucket = await buckets.GetAsync(bucketName, ct);
        var row = await store.GetObjectAsync(bucketName, key, versionId, ct);
        if (row is null)
        {
            if (versionId is not null && versionId != ObjectRow.NullVersion && !LooksLikeVersionId(versionId))
                throw S3Errors.InvalidArgument("Invalid version id specified", "versionId", versionId);
            if (!AccessEvaluator.IsAllowed(caller, bucket, S3Action.ListBucket))
                throw S3Errors.AccessDenied();
            throw versionId is null ? S3Errors.NoSuchKey(key) : S3Errors.NoSuchVersion(key, versionId);
        }
        if (row.DeleteMarker)
        {
            AccessEvaluator.Require(caller, bucket, S3Action.ListBucket);
            throw versionId is null
                ? new DeleteMarkerException(S3Errors.NoSuchKey(key), row)
                : new DeleteMarkerException(S3Errors.MethodNotAllowed("GET"), row);
        }
        AccessEvaluator.Require(caller, bucket, action, row);
        return (bucket, row);
    }

    /// <summary>The object's bytes, from its row or from the blob store; seekable, for ranges.</summary>
    public Stream OpenRead(ObjectRow row) =>
        row.InlineData is { } data ? new MemoryStream(data, writable: false)
        : blobs.OpenRead(row.BlobId ?? throw new InvalidOperationException("A delete marker has no bytes."));

    /// <summary>
    /// Copies a byte range of an object, inline or not, into a new blob. An encrypted source is read through
    /// <paramref name="plainSource"/> (its decrypted bytes), and with <paramref name="encryption"/> the copy is encrypted anew.
    /// </summary>
    internal async Task<StoredBlob> CopyToBlobAsync(ObjectRow source, long offset, long length, CancellationToken ct,
        Stream? plainSource = null, EncryptionPlan? encryption = null) =>
        plainSource is not null || encryption is not null
            ? await SseCopy.CopyAsync(plainSource ?? OpenRead(source), plainSource is null, offset, length,
                (body, c) => WriteBlobAsync(body, long.MaxValue, c, encryption), ct)
        : source.InlineData is { } data
            ? await blobs.WriteAsync(new MemoryStream(data, (int)offset, (int)length, writable: false), long.MaxValue, ct)
            : await blobs.CopyAsync(source.BlobId ?? throw new InvalidOperationException("A delete marker has no bytes."), offset, length, ct);

    /// <summary>Deletes an object (or one version); answers what S3 reports: the version removed or the delete marker made.</summary>
    /// <param name="bypassGovernance">The request sent x-amz-bypass-governance-retention: true (it counts only with the permission).</param>
    public async Task<(string? VersionId, bool DeleteMarker)> DeleteAsync(Caller caller, string bucketName, string key, string? versionId, CancellationToken ct,
        bool bypassGovernance = false)
    {
        var bucket = await buckets.AuthorizeAsync(caller, bucketName, versionId is null ? S3Action.DeleteObject : S3Action.DeleteObjectVersion, ct, key);
        if (versionId is not null)
        {
            if (versionId != ObjectRow.NullVersion && !LooksLikeVersionId(versionId))
                throw S3Errors.InvalidArgument("Invalid version id specified", "versionId", versionId);
            var bypass = bypassGovernance && AccessEvaluator.IsAllowed(caller, bucket, ObjectLockActions.BypassGovernanceRetention, key: key);
            var (removed, freed) = await store.DeleteVersionAsync(bucketName, key, versionId, ct,
                check: row => ObjectLockRules.CheckDelete(row, bypass, DateTimeOffset.UtcNow));
            buckets.Release(freed);
            return (versionId, removed?.DeleteMarker ?? false);
        }
        return await DeleteCurrentAsync(caller, bucket, key, ct);
    }

    /// <summary>
    /// Expires the current object of a key as a lifecycle rule does. This is Walrus acting on the bucket owner's
    /// configuration, not a request, so no access check applies: a policy denying s3:DeleteObject does not stop it.
    /// </summary>
    public async Task<bool> ExpireAsync(BucketRow bucket, ObjectRow current, CancellationToken ct)
    {
        // Only the version the sweep looked at: an object written since is not due yet.
        if (bucket.Versioning == "")
        {
            var (removed, freed) = await store.DeleteVersionAsync(bucket.Name, current.Key, ObjectRow.NullVersion, ct, onlyIf: current);
            buckets.Release(freed);
            return removed is not null;
        }
        try
        {
            await DeleteCurrentAsync(Caller.Anonymous, bucket, current.Key, ct, WriteCondition.StillCurrent(current));
            return true;
        }
        catch (WriteConditionFailedException)
        {
            return false;
        }
    }

    /// <summary>Removes the current object: the "null" version in an unversioned bucket, else a new delete marker (owned by the caller, or by the bucket owner).</summary>
    private async Task<(string? VersionId, bool DeleteMarker)> DeleteCurrentAsync(Caller caller, BucketRow bucket, string key, CancellationToken ct,
        WriteCondition? condition = null)
    {
        if (bucket.Versioning == "")
        {
            var (_, freed) = await store.DeleteNullVersionAsync(bucket.Name, key, ct);
            buckets.Release(freed);
            return (null, false);
        }
        var marker = NewRow(caller, bucket, key, new Dictionary<string, string>(), null, null);
        buckets.Release(await store.PutDeleteMarkerAsync(marker, bucket.Versioning == "Enabled", ct, condition));
        return (marker.VersionId, true);
    }

    /// <summary>Copies an object (or a version of it) into a new object, with the source's or new metadata.</summary>
    public async Task<(ObjectRow Row, ObjectRow Source)> CopyAsync(Caller caller, ObjectRow source, string bucketName, string key,
        Dictionary<string, string>? newHeaders, AccessControlList? acl, string? tags, bool copyTags, CancellationToken ct,
        ObjectLockSettings? lockSettings = null, SseCopy? sse = null, StoredChecksum? checksum = null)
    {
        ValidateKey(key);
        var bucket = await buckets.AuthorizeAsync(caller, bucketName, S3Action.PutObject, ct, key);
        if (source.Bucket == bucketName && source.Key == key && newHeaders is null && source.VersionId == ObjectRow.NullVersion && sse?.Asked != true)
            throw S3Errors.InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
        var row = NewRow(caller, bucket, key, newHeaders ?? ObjectHeaders.FromJson(source.Headers), acl, copyTags ? source.Tags : tags);
        // A copy is a new version: it is locked as its own request and its bucket say, never with the source's lock.
        ObjectLockRules.Apply(row, bucket, lockSettings, DateTimeOffset.UtcNow);
        row.Size = source.Size;
        row.Etag = source.Etag;
        row.Checksum = checksum?.ToJson() ?? source.Checksum;
        if (source.InlineData is not null && source.Size <= options.InlineMaxBytes && source.Encryption is null && sse?.Target is null)
        {
            // The copy of a small object is small: its bytes go into its own row too.
            row.InlineData = source.InlineData;
            buckets.Release(await store.PutObjectAsync(row, bucket.Versioning == "Enabled", ct));
            return (row, source);
        }
        var blob = await CopyToBlobAsync(source, 0, source.Size, ct, sse?.PlainSource, sse?.Target);
        return await CommitOrDiscardAsync(blob, key, async () =>
        {
            row.BlobId = blob.Id;
            row.Encryption = sse?.Target?.ToJson(blob.Size);
            buckets.Release(await store.PutObjectAsync(row, bucket.Versioning == "Enabled", ct));
            return (row, source);
        });
    }

    /// <summary>
    /// Lists the latest objects under a prefix, rolling keys up into common prefixes at the
    /// delimiter. <paramref name="after"/> is exclusive; a common prefix as marker skips all under it.
    /// </summary>
    public async Task<ObjectListing> ListAsync(Caller caller, string bucketName, string prefix, string? delimiter, string after, int maxKeys, CancellationToken ct)
    {
        await buckets.AuthorizeAsync(caller, bucketName, S3Action.ListBucket, ct);
        return await ScanAsync(bucketName, prefix, delimiter, after, maxKeys, ct);
    }

    /// <summary>Lists as <see cref="ListAsync"/> does, without an access check: for Walrus's own work (lifecycle).</summary>
    public async Task<ObjectListing> ScanAsync(string bucketName, string prefix, string? delimiter, string after, int maxKeys, CancellationToken ct)
    {
        var objects = new List<ObjectRow>();
        var prefixes = new List<string>();
        if (maxKeys <= 0)
            return new ObjectListing(objects, prefixes, false, null);
        var (from, inclusive) = StartAfter(prefix, delimiter, after);
        string? last = null;
        while (true)
        {
            var batch = await store.ListLatestAsync(bucketName, from, inclusive, Math.Min(1000, maxKeys + 1), ct);
            if (batch.Count == 0)
                return new ObjectListing(objects, prefixes, false, last);
            foreach (var row in batch)
            {
                if (!row.Key.StartsWith(prefix, StringComparison.Ordinal))
                    return new ObjectListing(objects, prefixes, false, last);
                var cut = string.IsNullOrEmpty(delimiter) ? -1 : row.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                if (objects.Count + prefixes.Count == maxKeys)
                    return new ObjectListing(objects, prefixes, true, last);
                if (cut >= 0)
                {
                    var commonPrefix = row.Key[..(cut + delimiter!.Length)];
                    prefixes.Add(commonPrefix);
                    last = commonPrefix;
                    (from, inclusive) = (PastPrefix(commonPrefix), true);
                    break;
                }
                objects.Add(row);
                last = row.Key;
                (from, inclusive) = (row.Key, false);
            }
        }
    }

    private static (string From, bool Inclusive) StartAfter(string prefix, string? delimiter, string after)
    {
        if (!string.IsNullOrEmpty(delimiter) && after.StartsWith(prefix, StringComparison.Ordinal) && after.EndsWith(delimiter, StringComparison.Ordinal)
            && after.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) == after.Length - delimiter.Length)
            return (PastPrefix(after), true);
        return string.CompareOrdinal(prefix, after) > 0 ? (prefix, true) : (after, false);
    }

    /// <summary>The smallest string greater than every string that starts with <paramref name="prefix"/>.</summary>
    private static string PastPrefix(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] < char.MaxValue && !char.IsSurrogate(chars[i]))
            {
                chars[i]++;
                return new string(chars, 0, i + 1);
            }
        }
        return prefix + char.MaxValue;
    }

    internal ObjectRow NewRow(Caller caller, BucketRow bucket, string key, Dictionary<string, string> headers, AccessControlList? acl, string? tags)
    {
        var (owner, ownerAcl) = ObjectOwnership.ForNewObject(bucket, caller.Account?.CanonicalId ?? bucket.OwnerCanonical, acl);
        return new ObjectRow
        {
            Bucket = bucket.Name,
            Key = key,
            LastModifiedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            OwnerCanonical = owner,
            Headers = ObjectHeaders.ToJson(headers),
            Acl = ownerAcl.ToJson(),
            Tags = tags,
        };
    }

    public static void ValidateKey(string key)
    {
        if (Encoding.UTF8.GetByteCount(key) > MaxKeyBytes)
            throw S3Errors.KeyTooLong();
    }

    private static bool LooksLikeVersionId(string versionId) => versionId.Length == 32 && versionId.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_');

    public static byte[]? ParseContentMd5(string? header)
    {
        if (header is null)
            return null;
        try
        {
            var md5 = Convert.FromBase64String(header);
            return md5.Length == MD5.HashSizeInBytes ? md5 : throw S3Errors.InvalidDigest();
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidDigest();
        }
    }
}
