using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The stored checksum on a GET or HEAD that asks for it (x-amz-checksum-mode: ENABLED): x-amz-checksum-&lt;alg&gt; and
/// x-amz-checksum-type. Never on a range, whose bytes it does not describe; a part's own checksum on ?partNumber.
/// </summary>
public static class ObjectChecksumHeaders
{
    public static void Write(S3Request r, ObjectRow row, StoredChecksum? partChecksum = null)
    {
        if (!string.Equals(r.Header("x-amz-checksum-mode"), "ENABLED", StringComparison.OrdinalIgnoreCase) || r.Header("Range") is not null)
            return;
        var checksum = r.Query("partNumber") is null || row.Parts is null ? StoredChecksum.Parse(row.Checksum) : partChecksum;
        if (checksum?.AlgorithmOf is not { } algorithm)
            return;
        r.Response.Headers[algorithm.HeaderName] = checksum.Value;
        r.Response.Headers["x-amz-checksum-type"] = checksum.Type;
    }
}
