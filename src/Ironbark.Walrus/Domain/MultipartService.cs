using System.Security.Cryptography;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>Multipart uploads: parts are durable blobs; completing concatenates them into one object.</summary>
public sealed class MultipartService(WalrusStore store, ObjectService objects, BucketService buckets, Backends.IObjectStore blobs, WalrusOptions options,
    CompletedUploads completions, SseService sse)
{
    public const int MaxParts = 10000;
    public const long MaxPartBytes = 5L * 1024 * 1024 * 1024;

    public async Task<UploadRow> CreateAsync(Caller caller, string bucketName, string key, Dictionary<string, string> headers,
        AccessControlList? acl, string? tags, CancellationToken ct, ObjectLockSettings? lockSettings = null, ObjectEncryption? encryption = null,
        UploadChecksum? checksum = null)
    {
        ObjectService.ValidateKey(key);
        var bucket = await buckets.AuthorizeAsync(caller, bucketName, S3Action.PutObject, ct, key);
        var template = objects.NewRow(caller, bucket, key, headers, acl, tags);
        var upload = new UploadRow
        {
            UploadId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            Bucket = bucketName,
            Key = key,
            OwnerCanonical = template.OwnerCanonical,
            InitiatedMs = template.LastModifiedMs,
            Headers = template.Headers,
            Acl = template.Acl,
            Tags = tags,
            ObjectLock = lockSettings is null || lockSettings.IsEmpty ? null : System.Text.Json.JsonSerializer.Serialize(lockSettings),
            Encryption = encryption?.WithoutSegments().ToJson(),
            Checksum = checksum?.ToJson(),
        };
        await store.CreateUploadAsync(upload, ct);
        return upload;
    }

    /// <summary>Finds an upload of this bucket and key that the caller may write to.</summary>
    public async Task<UploadRow> FindAsync(Caller caller, string bucketName, string key, string uploadId, S3Action action, CancellationToken ct)
    {
        await buckets.AuthorizeAsync(caller, bucketName, action, ct, key);
        var upload = await store.GetUploadAsync(uploadId, ct);
        if (upload is null || upload.Bucket != bucketName || upload.Key != key)
            throw S3Errors.NoSuchUpload(uploadId);
        return upload;
    }

    public async Task<PartRow> UploadPartAsync(Caller caller, string bucketName, string key, string uploadId, int partNumber,
        Stream body, long? contentLength, byte[]? contentMd5, CancellationToken ct, Func<UploadRow, Task<EncryptionPlan?>>? encrypt = null,
        Func<StoredChecksum?>? checksum = null)
    {
        ValidatePartNumber(partNumber);
        var upload = await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        if (contentLength is null)
            throw S3Errors.MissingContentLength();
        if (contentLength > MaxPartBytes)
            throw S3Errors.EntityTooLarge(MaxPartBytes);
        var plan = encrypt is null ? null : await encrypt(upload);
        var blob = await objects.WriteBlobAsync(body, MaxPartBytes, ct, plan);
        return await objects.CommitOrDiscardAsync(blob, key, () =>
        {
            if (blob.Size != contentLength)
                throw S3Errors.IncompleteBody();
            if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(blob.Md5))
                throw S3Errors.BadDigest();
            return RecordPartAsync(uploadId, partNumber, blob, ct, plan?.ToJson(blob.Size), checksum?.Invoke());
        });
    }

    public async Task<PartRow> UploadPartCopyAsync(Caller caller, string bucketName, string key, string uploadId, int partNumber,
        ObjectRow source, ByteRange? range, CancellationToken ct, Stream? plainSource = null, Func<UploadRow, Task<EncryptionPlan?>>? encrypt = null)
    {
        ValidatePartNumber(partNumber);
        var upload = await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        var (offset, length) = range is { } r ? (r.Start, r.Length) : (0L, source.Size);
        var plan = encrypt is null ? null : await encrypt(upload);
        var blob = await objects.CopyToBlobAsync(source, offset, length, ct, plainSource, plan);
        return await objects.CommitOrDiscardAsync(blob, key, () => RecordPartAsync(uploadId, partNumber, blob, ct, plan?.ToJson(blob.Size)));
    }

    private async Task<PartRow> RecordPartAsync(string uploadId, int partNumber, Backends.StoredBlob blob, CancellationToken ct, string? encryption = null,
        StoredChecksum? checksum = null)
    {
        var part = new PartRow
        {
            UploadId = uploadId,
            PartNumber = partNumber,
            BlobId = blob.Id,
            Size = blob.Size,
            Etag = "\"" + Convert.ToHexStringLower(blob.Md5) + "\"",
            LastModifiedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Encryption = encryption,
            Checksum = checksum?.ToJson(),
        };
        var (exists, freed) = await store.PutPartAsync(part, ct);
        if (!exists)
            throw S3Errors.NoSuchUpload(uploadId);
        buckets.Release(freed);
        return part;
    }

    /// <summary>
    /// Completes an upload from the client's part list: parts must exist with matching ETags, be in
    /// ascending order, and all but the last be at least the minimum part size.
    /// </summary>
    public async Task<ObjectRow> CompleteAsync(Caller caller, string bucketName, string key, string uploadId,
        IReadOnlyList<(int PartNumber, string Etag)> requested, WriteCondition? condition, CancellationToken ct,
        IReadOnlyDictionary<int, MultipartChecksum.Claim>? claimed = null, MultipartChecksum.Claim? whole = null)
    {
        if (requested.Count == 0)
            throw S3Errors.MalformedXml();
        await buckets.AuthorizeAsync(caller, bucketName, S3Action.PutObject, ct, key);
        if (await store.GetUploadAsync(uploadId, ct) is null && await completions.FindRepeatAsync(bucketName, key, uploadId, requested, ct) is { } earlier)
            return earlier;
        var upload = await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        var bucket = await buckets.GetAsync(bucketName, ct);
        Backends.StoredBlob blob;
        List<PartRow> chosen;
        StoredChecksum? checksum;
        List<ObjectPart> objectParts;
        for (var attempt = 1; ; attempt++)
        {
            chosen = await ChoosePartsAsync(uploadId, requested, ct);
            await objects.CheckConditionAsync(bucketName, key, condition, ct);
            try
            {
                (checksum, objectParts) = await MultipartChecksum.CompleteAsync(upload, chosen, claimed ?? new Dictionary<int, MultipartChecksum.Claim>(), whole,
                    part => OpenPartAsync(part, ct), ct);
                blob = await blobs.ConcatAsync(chosen.Select(p => p.BlobId).ToList(), ct);
                break;
            }
            catch (FileNotFoundException) when (attempt < 3)
            {
                // A part was uploaded again after it was listed and its old blob is gone: list the parts again.
            }
        }
        var result = await objects.CommitOrDiscardAsync(blob, key, async () =>
        {
            // A part that reads short (a damaged disk) must fail the upload, not complete a shorter object.
            var size = chosen.Sum(p => p.Size);
            var storedSize = chosen.Sum(p => p.Encryption is null ? p.Size : ChunkedAesGcm.StoredSize(p.Size));
            if (blob.Size != storedSize)
                throw new IOException($"The parts of upload {uploadId} read {blob.Size} bytes, not the {storedSize} they hold.");
            var md5OfMd5s = MD5.HashData(chosen.SelectMany(p => Convert.FromHexString(p.Etag.Trim('"'))).ToArray());
            var row = new ObjectRow
            {
                Bucket = bucketName,
                Key = key,
                BlobId = blob.Id,
                Size = size,
                Etag = $"\"{Convert.ToHexStringLower(md5OfMd5s)}-{chosen.Count}\"",
                LastModifiedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                OwnerCanonical = upload.OwnerCanonical,
                Headers = upload.Headers,
                Acl = upload.Acl,
                Tags = upload.Tags,
                Encryption = SseParts.Completed(upload.Encryption, chosen.Select(p => p.Encryption).ToList()),
                Checksum = checksum?.ToJson(),
                Parts = ObjectPart.ToJson(objectParts),
            };
            ObjectLockRules.Apply(row, bucket, upload.ObjectLock is null ? null : System.Text.Json.JsonSerializer.Deserialize<ObjectLockSettings>(upload.ObjectLock),
                DateTimeOffset.UtcNow);
            var (completed, freed) = await store.CompleteUploadAsync(uploadId, row, bucket.Versioning == "Enabled", condition, ct);
            if (!completed)
                throw S3Errors.NoSuchUpload(uploadId);
            buckets.Release(freed);
            return row;
        });
        await completions.RecordAsync(uploadId, requested, result, ct);
        return result;
    }

    /// <summary>
    /// A part's plaintext, for a checksum computed at completion (a part copied in without one): decrypted when the upload
    /// is encrypted with a key the cloud holds. An SSE-C part cannot be read without its key, which Complete does not carry.
    /// </summary>
    private async Task<Stream> OpenPartAsync(PartRow part, CancellationToken ct)
    {
        if (part.Encryption is null)
            return blobs.OpenRead(part.BlobId);
        if (ObjectEncryption.FromJson(part.Encryption)?.Mode == ObjectEncryption.SseC)
            throw S3Errors.InvalidRequest($"Part {part.PartNumber} of this SSE-C upload has no stored checksum, and its checksum cannot be computed without the customer key: send the part again with its checksum.");
        return await sse.OpenAsync(blobs.OpenRead(part.BlobId), part.Encryption, null, ct);
    }

    /// <summary>The stored parts the client's list names, checked as S3 does (order, ETags, minimum size of all but the last).</summary>
    private async Task<List<PartRow>> ChoosePartsAsync(string uploadId, IReadOnlyList<(int PartNumber, string Etag)> requested, CancellationToken ct)
    {
        var stored = (await store.ListPartsAsync(uploadId, 0, MaxParts, ct)).ToDictionary(p => p.PartNumber);
        var chosen = new List<PartRow>();
        var previous = 0;
        foreach (var (number, etag) in requested)
        {
            if (number <= previous)
                throw S3Errors.InvalidPartOrder();
            previous = number;
            if (!stored.TryGetValue(number, out var part) || part.Etag.Trim('"') != etag.Trim().Trim('"'))
                throw S3Errors.InvalidPart(number);
            chosen.Add(part);
        }
        for (var i = 0; i < chosen.Count - 1; i++)
            if (chosen[i].Size < options.MinPartBytes)
                throw S3Errors.EntityTooSmall().With("ProposedSize", chosen[i].Size.ToString()).With("MinSizeAllowed", options.MinPartBytes.ToString())
                    .With("PartNumber", chosen[i].PartNumber.ToString()).With("ETag", chosen[i].Etag.Trim('"'));
        return chosen;
    }

    public async Task AbortAsync(Caller caller, string bucketName, string key, string uploadId, CancellationToken ct)
    {
        await FindAsync(caller, bucketName, key, uploadId, S3Action.AbortMultipartUpload, ct);
        var freed = await store.AbortUploadAsync(uploadId, ct) ?? throw S3Errors.NoSuchUpload(uploadId);
        buckets.Release(freed);
    }

    private static void ValidatePartNumber(int partNumber)
    {
        if (partNumber is < 1 or > MaxParts)
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumber.ToString());
    }
}
