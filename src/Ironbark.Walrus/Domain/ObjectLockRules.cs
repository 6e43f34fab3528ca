using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The rules of S3 Object Lock (the S3 user guide, "How S3 Object Lock works"): what a new version is locked with, which
/// versions may not be deleted, and how a retention may change. The clock is passed in, so the rules are exact to test.
/// </summary>
public static class ObjectLockRules
{
    /// <summary>
    /// Refuses lock settings for a bucket without Object Lock, and a retain-until date that is not in the future.
    /// Checked before the body is read, so a refused write costs nothing.
    /// </summary>
    public static void CheckWrite(BucketRow bucket, ObjectLockSettings? requested, DateTimeOffset now)
    {
        if (requested is null || requested.IsEmpty)
            return;
        if (ObjectLockConfiguration.FromJson(bucket.ObjectLock) is null)
            throw ObjectLockErrors.MissingConfiguration();
        if (requested.Retention is { } retention && !retention.IsActiveAt(now))
            throw ObjectLockErrors.DateInPast();
    }

    /// <summary>Whether a write to this bucket leaves the new version locked (asked for, or the bucket's default retention).</summary>
    public static bool LocksNewVersion(BucketRow bucket, ObjectLockSettings? requested) =>
        requested is { IsEmpty: false } || ObjectLockConfiguration.FromJson(bucket.ObjectLock)?.HasDefaultRetention == true;

    /// <summary>Gives a new version the retention and legal hold it asked for, or the bucket's default retention.</summary>
    public static void Apply(ObjectRow row, BucketRow bucket, ObjectLockSettings? requested, DateTimeOffset now)
    {
        if (ObjectLockConfiguration.FromJson(bucket.ObjectLock) is not { } config)
            return;
        var retention = requested?.Retention ?? config.DefaultRetention(now);
        row.LockMode = retention?.Mode;
        row.LockUntilMs = retention?.RetainUntil.ToUnixTimeMilliseconds();
        row.LegalHold = requested?.LegalHold ?? false;
    }

    /// <summary>Whether the version is protected from deletion now: a legal hold, or a retention not yet past.</summary>
    public static bool IsLocked(ObjectRow row, DateTimeOffset now) =>
        row.LegalHold || ObjectRetention.Of(row)?.IsActiveAt(now) == true;

    /// <summary>
    /// Refuses deleting a locked version (AccessDenied): a legal hold always, a COMPLIANCE retention always, a GOVERNANCE
    /// one unless the caller bypasses it (the header and the s3:BypassGovernanceRetention permission).
    /// </summary>
    public static void CheckDelete(ObjectRow row, bool bypassGovernance, DateTimeOffset now)
    {
        if (row.DeleteMarker)
            return;
        if (row.LegalHold)
            throw ObjectLockErrors.Protected();
        if (ObjectRetention.Of(row) is { } retention && retention.IsActiveAt(now)
            && (retention.Mode == ObjectRetention.Compliance || !bypassGovernance))
            throw ObjectLockErrors.Protected();
    }

    /// <summary>
    /// Refuses a retention change that would weaken an active retention: extending in the same mode is always allowed;
    /// shortening, removing or changing the mode only of a GOVERNANCE retention, with the bypass. COMPLIANCE never weakens.
    /// </summary>
    public static void CheckRetentionChange(ObjectRow row, ObjectRetention? requested, bool bypassGovernance, DateTimeOffset now)
    {
        if (requested is not null && !requested.IsActiveAt(now))
            throw ObjectLockErrors.DateInPast();
        if (ObjectRetention.Of(row) is not { } current || !current.IsActiveAt(now))
            return;
        if (requested is not null && requested.Mode == current.Mode && requested.RetainUntil >= current.RetainUntil)
            return;
        if (current.Mode == ObjectRetention.Governance && bypassGovernance)
            return;
        throw ObjectLockErrors.Protected();
    }
}
