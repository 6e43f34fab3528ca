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

    /// <summary>The SigV2 CanonicalizedResource: /bucket/key as sent, plus the signed sub-resources of the one query view.</summary>
    public string V2Resource(string rawPath, S3Query query)
    {
        var resource = VirtualHosted ? "/" + Bucket + (rawPath.Length == 0 ? "/" : rawPath) : (rawPath.Length == 0 ? "/" : rawPath);
        var sub = query.V2Subresources();
        return sub.Length == 0 ? resource : resource + "?" + sub;
    }

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
            return host;
        var colon = host.LastIndexOf(':');
        return colon < 0 ? host : host[..colon];
    }
}
