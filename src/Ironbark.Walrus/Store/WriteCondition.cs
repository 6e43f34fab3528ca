namespace Ironbark.Walrus.Store;

/// <summary>
/// An S3 conditional write: <c>If-None-Match: *</c> (the key must have no current object) and/or
/// <c>If-Match: "etag"</c> (the current object must have this ETag). Checked under the key's lock in the
/// transaction that writes, so two racing writers cannot both pass.
/// </summary>
/// <param name="MustBeCurrent">Walrus's own condition (lifecycle): the key's current version must still be this write.</param>
public sealed record WriteCondition(bool MustNotExist, string? EtagMustMatch, ObjectRow? MustBeCurrent = null)
{
    /// <summary>Why a condition did not hold; a delete marker as current version counts as no object.</summary>
    public enum Failure { None, Exists, Missing, EtagDiffers, VersionChanged }

    /// <summary>The key's current version must still be <paramref name="row"/> (nothing written since it was read).</summary>
    public static WriteCondition StillCurrent(ObjectRow row) => new(false, null, row);

    public Failure Check(ObjectRow? current)
    {
        if (MustBeCurrent is not null && !MustBeCurrent.IsSameWrite(current))
            return Failure.VersionChanged;
        var live = current is { DeleteMarker: false } ? current : null;
        if (MustNotExist && live is not null)
            return Failure.Exists;
        if (EtagMustMatch is not null)
        {
            if (live is null)
                return Failure.Missing;
            if (live.Etag.Trim('"') != EtagMustMatch.Trim().Trim('"'))
                return Failure.EtagDiffers;
        }
        return Failure.None;
    }
}
