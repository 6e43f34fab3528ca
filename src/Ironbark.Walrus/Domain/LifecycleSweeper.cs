using Ironbark.Walrus.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// Applies bucket lifecycle rules in the background: expires current objects (a delete marker in a
/// versioned bucket), removes non-current versions and aborts stale multipart uploads.
/// </summary>
public sealed class LifecycleSweeper(WalrusStore store, ObjectService objects, BucketService buckets, WalrusOptions options,
    TimeProvider time, ILogger<LifecycleSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.LifecycleInterval, time);
        do
        {
            try
            {
                var expired = await SweepAsync(stoppingToken);
                if (expired > 0)
                    log.LogInformation("Lifecycle expired {Count} objects, versions and uploads", expired);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Lifecycle sweep failed; retrying at the next interval");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>One pass over every bucket with rules; returns how many things it removed.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var removed = 0;
        var now = time.GetUtcNow();
        foreach (var bucket in await store.BucketsWithLifecycleAsync(ct))
        {
            foreach (var rule in LifecycleConfiguration.FromJson(bucket.Lifecycle!).Rules.Where(r => r.Enabled))
            {
                if (rule.ExpirationDays is not null || rule.ExpirationDate is not null)
                    removed += await ExpireCurrentAsync(bucket, rule, now, ct);
                if (rule.NoncurrentDays is { } days)
                    removed += await ExpireNoncurrentAsync(bucket, rule, now - days * options.LifecycleDay, ct);
                if (rule.AbortDays is { } abortDays)
                    removed += await AbortUploadsAsync(bucket, rule, now - abortDays * options.LifecycleDay, ct);
            }
        }
        return removed;
    }

    /// <summary>Expiry is Walrus applying the owner's configuration, not a request: it lists and deletes without access checks.</summary>
    private async Task<int> ExpireCurrentAsync(BucketRow bucket, LifecycleRule rule, DateTimeOffset now, CancellationToken ct)
    {
        if (rule.ExpirationDate is { } date && now < date)
            return 0;
        var count = 0;
        var after = "";
        while (true)
        {
            var page = await objects.ScanAsync(bucket.Name, rule.Prefix, null, after, 1000, ct);
            foreach (var row in page.Objects)
            {
                var due = rule.ExpirationDate is not null || row.LastModified + rule.ExpirationDays!.Value * options.LifecycleDay <= now;
                if (due && rule.Selects(row.Key, TagSet.Read(row.Tags)) && await objects.ExpireAsync(bucket, row, ct))
                    count++;
            }
            if (!page.IsTruncated)
                return count;
            after = page.Next!;
        }
    }

    /// <summary>A version's non-current days count from when it stopped being current (a newer version was written), as on AWS.</summary>
    private async Task<int> ExpireNoncurrentAsync(BucketRow bucket, LifecycleRule rule, DateTimeOffset cutoff, CancellationToken ct)
    {
        var count = 0;
        foreach (var (row, noncurrentSince) in await store.ListNoncurrentAsync(bucket.Name, rule.Prefix, 10000, ct))
        {
            if (noncurrentSince > cutoff || !rule.Selects(row.Key, TagSet.Read(row.Tags)))
                continue;
            // Object Lock outranks lifecycle: a locked version stays (checked again in the delete's transaction).
            if (ObjectLockRules.IsLocked(row, time.GetUtcNow()))
                continue;
            var (removed, freed) = await store.DeleteVersionAsync(bucket.Name, row.Key, row.VersionId, ct,
                check: current => ObjectLockRules.CheckDelete(current, bypassGovernance: false, time.GetUtcNow()));
            buckets.Release(freed);
            if (removed is not null)
                count++;
        }
        return count;
    }

    private async Task<int> AbortUploadsAsync(BucketRow bucket, LifecycleRule rule, DateTimeOffset cutoff, CancellationToken ct)
    {
        var count = 0;
        foreach (var upload in await store.ListUploadsAsync(bucket.Name, rule.Prefix, "", "", 10000, ct))
        {
            if (!upload.Key.StartsWith(rule.Prefix, StringComparison.Ordinal) || DateTimeOffset.FromUnixTimeMilliseconds(upload.InitiatedMs) > cutoff)
                continue;
            if (await store.AbortUploadAsync(upload.UploadId, ct) is { } freed)
            {
                buckets.Release(freed);
                count++;
            }
        }
        return count;
    }
}
