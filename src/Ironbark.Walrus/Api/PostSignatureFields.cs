using Ironbark.Common.Auth;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The fields a signed browser form must carry. A form with a policy is a signed form: one missing its key id or
/// signature is refused with S3's AccessDenied naming the field, not taken as anonymous.
/// </summary>
public static class PostSignatureFields
{
    /// <summary>Throws AccessDenied for the first signature field a signed form lacks.</summary>
    public static void Require(IReadOnlyDictionary<string, string> fields)
    {
        var v4 = fields.ContainsKey("x-amz-signature") || fields.ContainsKey("x-amz-algorithm") || fields.ContainsKey("x-amz-credential");
        var v2 = fields.ContainsKey("signature") || fields.ContainsKey("awsaccesskeyid");
        if (!v4 && !v2 && !fields.ContainsKey("policy"))
            return;
        string[] required = v4 ? ["X-Amz-Credential", "X-Amz-Signature"] : ["AWSAccessKeyId", "Signature"];
        foreach (var name in required)
            if (!fields.ContainsKey(name))
                throw Missing(name);
    }

    private static AuthException Missing(string name) =>
        new("AccessDenied", $"Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields.");
}
