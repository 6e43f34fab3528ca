namespace Ironbark.Walrus.Domain;

/// <summary>HTTP conditional request rules as S3 applies them (If-Match wins over If-Unmodified-Since, If-None-Match over If-Modified-Since).</summary>
public static class Preconditions
{
    public enum Outcome { Proceed, NotModified, Failed }

    public static Outcome Evaluate(string etag, DateTimeOffset lastModified, string? ifMatch, string? ifNoneMatch,
        DateTimeOffset? ifModifiedSince, DateTimeOffset? ifUnmodifiedSince)
    {
        var modified = TruncateToSeconds(lastModified);
        if (ifMatch is not null)
        {
            if (!EtagMatches(etag, ifMatch))
                return Outcome.Failed;
        }
        else if (ifUnmodifiedSince is { } unmodifiedSince && modified > unmodifiedSince)
            return Outcome.Failed;

        if (ifNoneMatch is not null)
        {
            if (EtagMatches(etag, ifNoneMatch))
                return Outcome.NotModified;
        }
        else if (ifModifiedSince is { } modifiedSince && modified <= modifiedSince)
            return Outcome.NotModified;
        return Outcome.Proceed;
    }

    /// <summary>
    /// The condition of a conditional write (PutObject, CompleteMultipartUpload) from its If-Match and If-None-Match
    /// headers; null when there is none. As on AWS, If-None-Match takes only "*".
    /// </summary>
    public static Store.WriteCondition? ForWrite(string? ifMatch, string? ifNoneMatch)
    {
        if (ifMatch is null && ifNoneMatch is null)
            return null;
        if (ifNoneMatch is not null && ifNoneMatch.Trim() != "*")
            throw S3Errors.NotImplemented("If-None-Match with a value other than *").With("Header", "If-None-Match");
        if (ifMatch is not null && (ifMatch.Trim().Length == 0 || ifMatch.Contains(',') || ifMatch.Trim() == "*"))
            throw S3Errors.NotImplemented("If-Match with a value other than one ETag").With("Header", "If-Match");
        return new Store.WriteCondition(ifNoneMatch is not null, ifMatch?.Trim());
    }

    public static bool EtagMatches(string etag, string condition) =>
        condition.Split(',', StringSplitOptions.TrimEntries).Any(c => c == "*" || c.Trim('"') == etag.Trim('"'));

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
