using System.Globalization;

namespace Ironbark.Walrus.Domain;

/// <summary>The retention of one object version: its mode (GOVERNANCE or COMPLIANCE) and the date it is kept until.</summary>
public sealed record ObjectRetention(string Mode, DateTimeOffset RetainUntil)
{
    public const string Governance = "GOVERNANCE";
    public const string Compliance = "COMPLIANCE";

    public static bool IsMode(string? mode) => mode is Governance or Compliance;

    /// <summary>Whether the retention still protects the version at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RetainUntil > now;

    /// <summary>The retention a version row holds, or null when it has none.</summary>
    public static ObjectRetention? Of(Store.ObjectRow row) =>
        row.LockMode is { } mode && row.LockUntilMs is { } until ? new ObjectRetention(mode, DateTimeOffset.FromUnixTimeMilliseconds(until)) : null;

    /// <summary>An ISO 8601 date and time as S3 takes it (2030-01-01T00:00:00Z, with or without fractions); null when it is not one.</summary>
    public static DateTimeOffset? ParseDate(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d)
        && value.Contains('T') ? d : null;
}
