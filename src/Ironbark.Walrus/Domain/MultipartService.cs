using System.Security.Cryptography;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>Multipart uploads: parts are durable blobs; completing concatenates them into one object.</summary>
public sealed class MultipartService(WalrusStore store, ObjectService objects, BucketService buckets, Backends.IObjectStore blobs, WalrusOptions options)
{
    public const int MaxParts = 10000;
    public const long MaxPartBytes = 5L * 1024 * 1024 * 1024;

    public async Task<UploadRow> CreateAsync(Caller caller, string bucketName, string key, Dictionary<string, string> headers,
        AccessControlList? acl, string? tags, CancellationToken ct, UploadChecksum? checksum = null)
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
        Stream body, long? contentLength, byte[]? contentMd5, CancellationToken ct, Func<StoredChecksum?>? checksum = null)
    {
        ValidatePartNumber(partNumber);
        await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        if (contentLength is null)
            throw S3Errors.MissingContentLength();
        if (contentLength > MaxPartBytes)
            throw S3Errors.EntityTooLarge(MaxPartBytes);
        var blob = await objects.WriteBlobAsync(body, MaxPartBytes, ct);
        return await objects.CommitOrDiscardAsync(blob, key, () =>
        {
            if (blob.Size != contentLength)
                throw S3Errors.IncompleteBody();
            if (contentMd5 is not null && !contentMd5.AsSpan().SequenceEqual(blob.Md5))
                throw S3Errors.BadDigest();
            return RecordPartAsync(uploadId, partNumber, blob, ct, checksum?.Invoke());
        });
    }

    public async Task<PartRow> UploadPartCopyAsync(Caller caller, string bucketName, string key, string uploadId, int partNumber,
        ObjectRow source, ByteRange? range, CancellationToken ct)
    {
        ValidatePartNumber(partNumber);
        await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        var (offset, length) = range is { } r ? (r.Start, r.Length) : (0L, source.Size);
        var blob = await objects.CopyToBlobAsync(source, offset, length, ct);
        return await objects.CommitOrDiscardAsync(blob, key, () => RecordPartAsync(uploadId, partNumber, blob, ct));
    }

    private async Task<PartRow> RecordPartAsync(string uploadId, int partNumber, Backends.StoredBlob blob, CancellationToken ct,
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
        var upload = await FindAsync(caller, bucketName, key, uploadId, S3Action.PutObject, ct);
        var bucket = await buckets.GetAsync(bucketName, ct);
        if (requested.Count == 0)
            throw S3Errors.MalformedXml();
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
        await objects.CheckConditionAsync(bucketName, key, condition, ct);
        var (checksum, objectParts) = await MultipartChecksum.CompleteAsync(upload, chosen, claimed ?? new Dictionary<int, MultipartChecksum.Claim>(), whole, blobs, ct);

        var blob = await blobs.ConcatAsync(chosen.Select(p => p.BlobId).ToList(), ct);
        return await objects.CommitOrDiscardAsync(blob, key, async () =>
        {
            // A part that reads short (a damaged disk) must fail the upload, not complete a shorter object.
            var size = chosen.Sum(p => p.Size);
            if (blob.Size != size)
                throw new IOException($"The parts of upload {uploadId} read {blob.Size} bytes, not the {size} they hold.");
            var md5OfMd5s = MD5.HashData(chosen.SelectMany(p => Convert.FromHexString(p.Etag.Trim('"'))).ToArray());
            var row = new ObjectRow
            {
                Bucket = bucketName,
                Key = key,
                BlobId = blob.Id,
                Size = blob.Size,
                Etag = $"\"{Convert.ToHexStringLower(md5OfMd5s)}-{chosen.Count}\"",
                LastModifiedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                OwnerCanonical = upload.OwnerCanonical,
                Headers = upload.Headers,
                Acl = upload.Acl,
                Tags = upload.Tags,
                Checksum = checksum?.ToJson(),
                Parts = ObjectPart.ToJson(objectParts),
            };
            var (completed, freed) = await store.CompleteUploadAsync(uploadId, row, bucket.Versioning == "Enabled", condition, ct);
            if (!completed)
                throw S3Errors.NoSuchUpload(uploadId);
            buckets.Release(freed);
            return row;
        });
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
