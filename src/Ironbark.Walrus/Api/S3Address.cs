namespace Ironbark.Walrus.Api;

/// <summary>The bucket and key a request addresses, path-style or virtual-hosted-style.</summary>
public sealed record S3Address(string? Bucket, string? Key, bool VirtualHosted)
{
    public static S3Address Parse(string host, string rawPath, string domain)
    {
        var hostName = StripPort(host);
        var path = Uri.UnescapeDataString(rawPath.Length == 0 ? "/" : rawPath);
        if (domain.Length > 0 && hostName.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase))
        {
            var bucket = hostName[..^(domain.Length + 1)];
            var key = path.TrimStart('/') is { Length: > 0 } k ? path[1..] : null;
            return new S3Address(bucket, key, true);
        }
        var trimmed = path.StartsWith('/') ? path[1..] : path;
        if (trimmed.Length == 0)
            return new S3Address(null, null, false);
        var slash = trimmed.IndexOf('/');
        if (slash < 0)
            return new S3Address(trimmed, null, false);
        var objectKey = trimmed[(slash + 1)..];
        return new S3Address(trimmed[..slash], objectKey.Length == 0 ? null : objectKey, false);
    }

    /// <summary>The SigV2 CanonicalizedResource: /bucket/key as sent, plus the signed sub-resources.</summary>
    public string V2Resource(string rawPath, IEnumerable<KeyValuePair<string, string>> query)
    {
        var resource = VirtualHosted ? "/" + Bucket + (rawPath.Length == 0 ? "/" : rawPath) : (rawPath.Length == 0 ? "/" : rawPath);
        var sub = query.Where(p => SignedSubresources.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key}={p.Value}").ToList();
        return sub.Count == 0 ? resource : resource + "?" + string.Join('&', sub);
    }

    private static readonly HashSet<string> SignedSubresources = new(StringComparer.Ordinal)
    {
        "acl", "cors", "delete", "lifecycle", "location", "logging", "notification", "partNumber", "policy", "requestPayment",
        "tagging", "torrent", "uploadId", "uploads", "versionId", "versioning", "versions", "website",
        "response-cache-control", "response-content-disposition", "response-content-encoding", "response-content-language",
        "response-content-type", "response-expires",
    };

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
            return host;
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
