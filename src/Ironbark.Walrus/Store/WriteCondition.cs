namespace Ironbark.Walrus.Store;

/// <summary>
/// An S3 conditional write: <c>If-None-Match: *</c> (the key must have no current object) and/or
/// <c>If-Match: "etag"</c> (the current object must have this ETag). Checked under the key's lock in the
/// transaction that writes, so two racing writers cannot both pass.
/// </summary>
public sealed record WriteCondition(bool MustNotExist, string? EtagMustMatch)
{
    /// <summary>Why a condition did not hold; a delete marker as current version counts as no object.</summary>
    public enum Failure { None, Exists, Missing, EtagDiffers }

    public Failure Check(ObjectRow? current)
    {
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
