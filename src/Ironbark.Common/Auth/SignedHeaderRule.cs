using Microsoft.AspNetCore.Http;

namespace Ironbark.Common.Auth;

/// <summary>
/// What S3 requires a SigV4 signature to cover: the host, and every x-amz-* header the request carries
/// (they choose the operation and its options: x-amz-copy-source, x-amz-acl, x-amz-decoded-content-length…).
/// A request that carries one the signature leaves out is refused, for header and query (presigned)
/// authentication alike, so nobody holding a signed request can add to what it does.
/// </summary>
public static class SignedHeaderRule
{
    /// <summary>
    /// Exempt: x-amz-content-sha256. In header authentication its value is the last line of the canonical
    /// request, so it is covered either way; in query authentication the signed X-Amz-Content-Sha256
    /// parameter governs the body and the header is read by nothing.
    /// </summary>
    private static readonly HashSet<string> Exempt = new(StringComparer.OrdinalIgnoreCase) { "x-amz-content-sha256" };

    public static void Check(HttpRequest request, string signedHeaders)
    {
        var signed = new HashSet<string>(signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            StringComparer.OrdinalIgnoreCase);
        var missing = new List<string>();
        if (!signed.Contains("host"))
            missing.Add("host");
        foreach (var name in request.Headers.Keys)
            if (name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase) && !Exempt.Contains(name) && !signed.Contains(name))
                missing.Add(name.ToLowerInvariant());
        if (missing.Count > 0)
            throw AuthException.HeadersNotSigned(missing.Order(StringComparer.Ordinal));
    }
}
