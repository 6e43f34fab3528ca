using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Common.Auth;

/// <summary>
/// Signature Version 2 of the AWS Query APIs (EC2), as boto and euca2ools-era clients send it: the
/// signature is an HMAC (SHA-256 or SHA-1) over "METHOD\nhost\n/path\n" and the sorted, RFC 3986
/// encoded parameters other than Signature, whether they came in the query string or a form body.
/// </summary>
public sealed class QuerySignatureV2(ICredentialSource credentials, TimeProvider time, RequestSigningOptions signing)
{
    /// <summary>Whether the parameters carry a Signature Version 2 signature.</summary>
    public static bool IsSigned(IReadOnlyDictionary<string, string> parameters) =>
        parameters.ContainsKey("Signature") && parameters.ContainsKey("AWSAccessKeyId");

    public async Task<AuthenticatedCaller> AuthenticateAsync(string method, string host, string path, IReadOnlyDictionary<string, string> parameters, CancellationToken ct)
    {
        var version = parameters.GetValueOrDefault("SignatureVersion");
        if (version != "2")
            throw new AuthException("AuthFailure", $"Signature version '{version}' is not supported; use 2 or 4.", 401);
        var signatureMethod = parameters.GetValueOrDefault("SignatureMethod") ?? "";
        if (signatureMethod is not ("HmacSHA256" or "HmacSHA1"))
            throw new AuthException("AuthFailure", $"Signature method '{signatureMethod}' is not supported; use HmacSHA256 or HmacSHA1.", 401);
        CheckTime(parameters);
        var resolved = await credentials.FindAccessKeyAsync(parameters["AWSAccessKeyId"], ct)
                       ?? throw new AuthException("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        var expected = Sign(resolved.SecretAccessKey, signatureMethod, StringToSign(method, host, path, parameters));
        byte[] given;
        try
        {
            given = Convert.FromBase64String(parameters["Signature"]);
        }
        catch (FormatException)
        {
            given = [];
        }
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
            throw new AuthException("AuthFailure", "AWS was not able to validate the provided access credentials", 401);
        return new AuthenticatedCaller(resolved.Account, resolved.AccessKeyId);
    }

    /// <summary>The string a client signs: method, lower-case host (with a non-default port), path and canonical parameters.</summary>
    public static string StringToSign(string method, string host, string path, IEnumerable<KeyValuePair<string, string>> parameters) =>
        $"{method.ToUpperInvariant()}\n{host.ToLowerInvariant()}\n{(path.Length == 0 ? "/" : path)}\n" +
        string.Join('&', parameters.Where(p => p.Key != "Signature")
            .Select(p => (Key: SigV4.UriEncode(p.Key, false), Value: SigV4.UriEncode(p.Value, false)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));

    /// <summary>The raw HMAC of <paramref name="stringToSign"/> (clients send it base64-encoded).</summary>
    public static byte[] Sign(string secret, string signatureMethod, string stringToSign)
    {
        var key = Encoding.UTF8.GetBytes(secret);
        var data = Encoding.UTF8.GetBytes(stringToSign);
        return signatureMethod == "HmacSHA1" ? HMACSHA1.HashData(key, data) : HMACSHA256.HashData(key, data);
    }

    private void CheckTime(IReadOnlyDictionary<string, string> parameters)
    {
        var now = time.GetUtcNow();
        if (parameters.TryGetValue("Expires", out var expires))
        {
            if (!TryParseTime(expires, out var until))
                throw new AuthException("InvalidParameterValue", $"Expires '{expires}' is not an ISO 8601 time.", 400);
            if (now > until)
                throw new AuthException("RequestExpired", $"Request has expired. Expires date is {expires}.", 400);
            // A signed request must not stay good for years: the same cap as SigV4's presigned URLs.
            if (until - now > signing.MaxQueryV2Expiry)
                throw new AuthException("AuthFailure",
                    $"Expires {expires} is too far in the future: a signature may be valid for at most {signing.MaxQueryV2Expiry.TotalSeconds:0} seconds.", 401);
        }
        else if (parameters.TryGetValue("Timestamp", out var timestamp))
        {
            if (!TryParseTime(timestamp, out var when))
                throw new AuthException("InvalidParameterValue", $"Timestamp '{timestamp}' is not an ISO 8601 time.", 400);
            if ((now - when).Duration() > RequestAuthenticator.MaxClockSkew)
                throw new AuthException("RequestExpired", $"Request has expired. Timestamp date is {timestamp}.", 400);
        }
        else
        {
            throw new AuthException("MissingParameter", "The request must contain the parameter Timestamp or Expires.", 400);
        }
    }

    private static bool TryParseTime(string value, out DateTimeOffset parsed) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out parsed);
}
