using Ironbark.Common.Auth;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Store;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus.Domain;

/// <summary>Buckets: create, delete, list, and the access-checked lookup every operation starts with.</summary>
public sealed class BucketService(WalrusStore store, IObjectStore blobs, WalrusOptions options, ILogger<BucketService> log)
{
    public async Task<BucketRow> GetAsync(string name, CancellationToken ct) =>
        await store.GetBucketAsync(name, ct) ?? throw S3Errors.NoSuchBucket(name);

    /// <summary>Finds the bucket and checks the caller may do <paramref name="action"/> on it.</summary>
    public async Task<BucketRow> AuthorizeAsync(Caller caller, string name, S3Action action, CancellationToken ct, string? key = null)
    {
        var bucket = await GetAsync(name, ct);
        AccessEvaluator.Require(caller, bucket, action, key: key);
        return bucket;
    }

    /// <param name="objectLock">x-amz-bucket-object-lock-enabled: true: Object Lock on, and with it versioning, for good.</param>
    /// <param name="ownership">x-amz-object-ownership: the bucket's ownership controls; null leaves none set.</param>
    public async Task<BucketRow> CreateAsync(Caller caller, string name, string? region, AccessControlList? acl, CancellationToken ct,
        bool objectLock = false, string? ownership = null)
    {
        if (caller.Account is not { } account)
            throw S3Errors.AccessDenied();
        BucketNames.Validate(name);
        if (region is not null && region.Length > 0 && region != options.Region && region != "us-east-1")
            throw new WalrusException("InvalidLocationConstraint", 400, $"The specified location-constraint is not valid: this cloud's region is '{options.Region}'.")
                .With("LocationConstraint", region);
        var row = new BucketRow
        {
            Name = name,
            OwnerId = account.Id,
            OwnerCanonical = account.CanonicalId,
            // The cloud has one region: "us-east-1" is only the SDKs' default, not a place.
            Region = options.Region,
            CreatedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Acl = (acl ?? AccessControlList.Canned("private", account.CanonicalId)).ToJson(),
            Versioning = objectLock ? "Enabled" : "",
            ObjectLock = objectLock ? new ObjectLockConfiguration().ToJson() : null,
            Ownership = ownership,
        };
        var existingOwner = await store.TryCreateBucketAsync(row, ct);
        if (existingOwner is null)
            return row;
        throw existingOwner == account.Id ? S3Errors.BucketAlreadyOwnedByYou(name) : S3Errors.BucketAlreadyExists(name);
    }

    public async Task DeleteAsync(Caller caller, string name, CancellationToken ct)
    {
        await AuthorizeAsync(caller, name, S3Action.DeleteBucket, ct);
        if (!await store.DeleteBucketIfEmptyAsync(name, ct))
            throw S3Errors.BucketNotEmpty(name);
    }

    public async Task<IReadOnlyList<BucketRow>> ListAsync(Caller caller, CancellationToken ct)
    {
        if (caller.Account is not { } account)
            throw S3Errors.AccessDenied();
        return await store.ListBucketsAsync(account.Id, ct);
    }

    /// <summary>
    /// Deletes blobs that no metadata names any more (released by a commit, or discarded after a failed request). What
    /// happened before stands whatever happens here: a blob the disk will not delete now is only unreferenced, and the
    /// next start's recovery removes it.
    /// </summary>
    public void Release(IEnumerable<string> blobIds)
    {
        foreach (var id in blobIds)
        {
            try
            {
                blobs.Delete(id);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                log.LogWarning(e, "Blob {BlobId} could not be deleted; the next start removes it", id);
            }
        }
    }
}
