using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// Sub-resources SigV2 does not sign (botocore's HmacV1Auth leaves them out of the CanonicalizedResource): a SigV2 signature
/// for another request on the bucket would cover them too, so their operations accept SigV4 only.
/// </summary>
public static class SigV4OnlySelectors
{
    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { "policyStatus", "publicAccessBlock" };

    public static void Require(S3Request r)
    {
        if (r.Caller.Facts is { } facts && facts.TryGetValue("s3:signatureversion", out var v) && v[0] == "AWS")
            throw new WalrusException("InvalidRequest", 400, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.");
    }
}
