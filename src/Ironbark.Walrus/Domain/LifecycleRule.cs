namespace Ironbark.Walrus.Domain;

/// <summary>
/// One lifecycle rule: which objects (prefix and tags) expire, after how many days or on which
/// date; non-current versions after NoncurrentDays; stale multipart uploads after AbortDays.
/// </summary>
public sealed record LifecycleRule(string? Id, bool Enabled, string Prefix, List<KeyValuePair<string, string>> Tags,
    int? ExpirationDays, DateTimeOffset? ExpirationDate, bool ExpiredObjectDeleteMarker, int? NoncurrentDays, int? AbortDays)
{
    public bool Selects(string key, IReadOnlyList<KeyValuePair<string, string>> objectTags) =>
        key.StartsWith(Prefix, StringComparison.Ordinal) && Tags.All(t => objectTags.Contains(t));
}
