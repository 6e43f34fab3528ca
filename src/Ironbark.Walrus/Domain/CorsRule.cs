namespace Ironbark.Walrus.Domain;

/// <summary>One CORS rule of a bucket: which origins, methods and request headers it allows.</summary>
public sealed record CorsRule(string? Id, List<string> AllowedOrigins, List<string> AllowedMethods, List<string> AllowedHeaders,
    List<string> ExposeHeaders, int? MaxAgeSeconds)
{
    public bool Matches(string origin, string method, IEnumerable<string> requestHeaders) =>
        AllowedOrigins.Any(o => Wildcard(o, origin)) && AllowedMethods.Contains(method, StringComparer.Ordinal)
        && requestHeaders.All(h => AllowedHeaders.Any(a => Wildcard(a.ToLowerInvariant(), h.ToLowerInvariant())));

    /// <summary>S3 allows one '*' anywhere in an origin or header pattern.</summary>
    private static bool Wildcard(string pattern, string value)
    {
        var star = pattern.IndexOf('*');
        if (star < 0)
            return pattern == value;
        var head = pattern[..star];
        var tail = pattern[(star + 1)..];
        return value.Length >= head.Length + tail.Length && value.StartsWith(head, StringComparison.Ordinal) && value.EndsWith(tail, StringComparison.Ordinal);
    }
}
