namespace Ironbark.Common.Auth;

/// <summary>A request that failed authentication, with the AWS error code and HTTP status clients expect.</summary>
/// <param name="details">Extra elements of the error document, as S3 gives them (HeadersNotSigned, Region).</param>
public sealed class AuthException(string code, string message, int statusCode = 403, IReadOnlyDictionary<string, string>? details = null)
    : Exception(message)
{
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;
    public IReadOnlyDictionary<string, string>? Details { get; } = details;

    public static AuthException SignatureMismatch() => new("SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.");

    public static AuthException UnknownKey() => new("InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.");

    /// <summary>The credential source (the CLC's identity service) did not answer: the key is neither known nor unknown.</summary>
    public static AuthException CredentialsUnavailable(string why) => new("ServiceUnavailable",
        $"Credentials cannot be checked now ({why}); please try again.", 503);

    /// <summary>S3's answer to a signed request that carries headers its signature does not cover.</summary>
    public static AuthException HeadersNotSigned(IEnumerable<string> names) => new("AccessDenied",
        "There were headers present in the request which were not signed", 403,
        new Dictionary<string, string> { ["HeadersNotSigned"] = string.Join(", ", names) });
}
