namespace Ironbark.Common.Auth;

/// <summary>A request that failed authentication, with the AWS error code and HTTP status clients expect.</summary>
public sealed class AuthException(string code, string message, int statusCode = 403) : Exception(message)
{
    public string Code { get; } = code;
    public int StatusCode { get; } = statusCode;

    public static AuthException SignatureMismatch() => new("SignatureDoesNotMatch",
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.");

    public static AuthException UnknownKey() => new("InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.");
}
