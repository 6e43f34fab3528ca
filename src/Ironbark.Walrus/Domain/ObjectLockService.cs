using Ironbark.Common.Auth;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>Object Lock on buckets (the configuration) and on object versions (retention and legal hold).</summary>
public sealed class ObjectLockService(BucketService buckets, ObjectService objects, WalrusStore store, ObjectLockStore locks)
{
    public async Task<ObjectLockConfiguration> GetConfigurationAsync(Caller caller, string bucketName, CancellationToken ct)
    {
        var bucket = await buckets.AuthorizeAsync(caller, bucketName, ObjectLockActions.GetConfiguration, ct);
        return ObjectLockConfiguration.FromJson(bucket.ObjectLock) ?? throw ObjectLockErrors.NoBucketConfiguration(bucketName);
    }

    /// <summary>
    /// Sets the configuration. As AWS does today, this also turns Object Lock on for an existing bucket, provided its
    /// versioning is Enabled (it then can never be suspended); once on, Object Lock cannot be turned off.
    /// </summary>
    /// <param name="read">Reads the new configuration from the request, once the caller is authorized.</param>
    public async Task PutConfigurationAsync(Caller caller, string bucketName, Func<Task<ObjectLockConfiguration>> read, CancellationToken ct)
    {
        var bucket = await buckets.AuthorizeAsync(caller, bucketName, ObjectLockActions.PutConfiguration, ct);
        var configuration = await read();
        if (ObjectLockConfiguration.FromJson(bucket.ObjectLock) is null && bucket.Versioning != "Enabled")
            throw ObjectLockErrors.VersioningRequired();
        await store.SetBucketFieldAsync(bucket.Name, BucketField.ObjectLock, configuration.ToJson(), ct);
    }

    public async Task<ObjectRow> GetVersionAsync(Caller caller, string bucketName, string key, string? versionId, S3Action action, CancellationToken ct)
    {
        var (bucket, row) = await objects.FindAsync(caller, bucketName, key, versionId, action, ct);
        if (ObjectLockConfiguration.FromJson(bucket.ObjectLock) is null)
            throw ObjectLockErrors.MissingConfiguration();
        return row;
    }

    /// <summary>Sets (or, with null, removes) a version's retention, as <see cref="ObjectLockRules.CheckRetentionChange"/> allows.</summary>
    public async Task<ObjectRow> PutRetentionAsync(Caller caller, string bucketName, string key, string? versionId, Func<Task<ObjectRetention?>> read,
        bool bypassGovernance, CancellationToken ct)
    {
        var row = await GetVersionAsync(caller, bucketName, key, versionId, ObjectLockActions.PutRetention, ct);
        var retention = await read();
        var bypass = bypassGovernance && await MayBypassAsync(caller, bucketName, key, ct);
        var now = DateTimeOffset.UtcNow;
        if (!await locks.SetRetentionAsync(row, retention?.Mode, retention?.RetainUntil.ToUnixTimeMilliseconds(),
                current => ObjectLockRules.CheckRetentionChange(current, retention, bypass, now), ct))
            throw versionId is null ? S3Errors.NoSuchKey(key) : S3Errors.NoSuchVersion(key, versionId);
        return row;
    }

    public async Task<ObjectRow> PutLegalHoldAsync(Caller caller, string bucketName, string key, string? versionId, Func<Task<bool>> read, CancellationToken ct)
    {
        var row = await GetVersionAsync(caller, bucketName, key, versionId, ObjectLockActions.PutLegalHold, ct);
        var on = await read();
        await locks.SetLegalHoldAsync(row, on, ct);
        return row;
    }

    private async Task<bool> MayBypassAsync(Caller caller, string bucketName, string key, CancellationToken ct) =>
        AccessEvaluator.IsAllowed(caller, await buckets.GetAsync(bucketName, ct), ObjectLockActions.BypassGovernanceRetention, key: key);
}
