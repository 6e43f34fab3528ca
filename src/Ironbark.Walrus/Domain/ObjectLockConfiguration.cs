using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// A bucket's Object Lock configuration (buckets.object_lock): Object Lock is on, and optionally a default retention
/// (a mode and a period in days or years) that every new version receives unless its request names its own.
/// </summary>
public sealed record ObjectLockConfiguration(string? DefaultMode = null, int? DefaultDays = null, int? DefaultYears = null)
{
    /// <summary>AWS refuses a default period longer than 100 years.</summary>
    public const int MaxYears = 100;
    public const int MaxDays = MaxYears * 365;

    public bool Enabled { get; init; } = true;

    public bool HasDefaultRetention => DefaultMode is not null;

    /// <summary>The retention a new version gets from the default rule, counted from <paramref name="now"/>; null when there is none.</summary>
    public ObjectRetention? DefaultRetention(DateTimeOffset now) => DefaultMode is null ? null
        : new ObjectRetention(DefaultMode, DefaultDays is { } days ? now.AddDays(days) : now.AddYears(DefaultYears!.Value));

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The stored configuration, or null for a bucket without Object Lock.</summary>
    public static ObjectLockConfiguration? FromJson(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<ObjectLockConfiguration>(json) is { Enabled: true } c ? c : null;
}
