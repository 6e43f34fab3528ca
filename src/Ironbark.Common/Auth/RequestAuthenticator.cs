using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ironbark.Common.Auth;

/// <summary>
/// Authenticates a public API request: SigV4 (Authorization header or presigned query, payload
/// hash, streaming aws-chunked bodies) and SigV2 (header or query). Shared by every public API.
/// What a handler may act on is only what the signature covers: the credential scope must name
/// this endpoint (its date, the cloud's region or an accepted alias, its service), and host and
/// every x-amz-* header sent must be signed (docs/security.md).
/// </summary>
/// <param name="region">The cloud's region, which credential scopes must name (or one of the accepted aliases).</param>
public sealed class RequestAuthenticator(ICredentialSource credentials, TimeProvider time, RequestSigningOptions signing, string region)
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);
    private const long MaxPresignSeconds = 604800;
    private readonly SigningKeyCache _signingKeys = new();

    /// <param name="service">The SigV4 service name the caller signs for ("s3", "ec2").</param>
    /// <param name="s3V2Resource">For S3, the CanonicalizedResource of SigV2; null for other services.</param>
    public async Task<AuthenticatedRequest> AuthenticateAsync(HttpRequest request, string service, string? s3V2Resource, CancellationToken ct)
    {
        var authorization = request.Headers.Authorization.ToString();
        var query = request.Query;
        if (authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal))
            return await HeaderV4Async(request, authorization, service, ct);
        if (query.ContainsKey("X-Amz-Signature") || query.ContainsKey("X-Amz-Credential"))
            return await PresignedV4Async(request, service, ct);
        if (authorization.StartsWith("AWS ", StringComparison.Ordinal))
            return await HeaderV2Async(request, authorization, s3V2Resource, ct);
        if (query.ContainsKey("AWSAccessKeyId") && query.ContainsKey("Signature"))
            return await QueryV2Async(request, s3V2Resource, ct);
        if (authorization.Length > 0)
            throw new AuthException("InvalidArgument", "Unsupported Authorization Type", 400);
        return AnonymousBody(request);
    }

    /// <summary>
    /// An unsigned request's body: its declared length, and aws-chunked decoding when an SDK streams an
    /// unsigned payload with trailers (what it does for anonymous uploads). Signed chunks need a signer.
    /// </summary>
    private static AuthenticatedRequest AnonymousBody(HttpRequest request)
    {
        var contentSha = request.Headers["x-amz-content-sha256"].ToString();
        if (contentSha is SigV4.StreamingPayload or SigV4.StreamingPayloadTrailer)
            throw new AuthException("AccessDenied", "A signed streaming payload needs a signed request.");
        return BodyFor(request, Caller.Anonymous, contentSha.Length == 0 ? SigV4.UnsignedPayload : contentSha, null);
    }

    private async Task<AuthenticatedRequest> HeaderV4Async(HttpRequest request, string authorization, string service, CancellationToken ct)
    {
        static AuthException Malformed(string message) => new("AuthorizationHeaderMalformed", message, 400);
        var fields = AuthorizationFields.Parse(authorization[SigV4.Algorithm.Length..], Malformed);
        if (!fields.TryGetValue("Credential", out var credential) || !fields.TryGetValue("SignedHeaders", out var signedHeaders)
            || !fields.TryGetValue("Signature", out var signature))
            throw Malformed("The authorization header is malformed; it needs Credential, SignedHeaders and Signature.");
        var scope = SigningScope.Parse(credential, Malformed);
        var amzDate = request.Headers["x-amz-date"].ToString();
        DateTimeOffset when;
        if (amzDate.Length > 0)
            when = ParseAmzDate(amzDate) ?? throw new AuthException("AccessDenied", "X-Amz-Date is not a valid ISO 8601 basic timestamp.");
        else if (DateTimeOffset.TryParse(request.Headers.Date.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out when))
            amzDate = when.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        else
            throw new AuthException("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        CheckSkew(when);
        CheckScope(scope, amzDate, service, query: false);
        SignedHeaderRule.Check(request, signedHeaders);

        var key = await ResolveAsync(scope.AccessKeyId, ct);
        var contentSha = request.Headers["x-amz-content-sha256"].ToString();
        var s3 = service == "s3";
        byte[]? bufferedBody = null;
        if (!s3)
            (bufferedBody, contentSha) = await HashedFormBodyAsync(request, contentSha, ct);
        else if (contentSha.Length == 0)
            throw new AuthException("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400);
        var canonical = CanonicalRequest(request, signedHeaders, contentSha, s3, excludeSignature: false);
        var signingKey = _signingKeys.Get(key.SecretAccessKey, scope.Date, scope.Region, scope.Service);
        var expected = SigV4.Sign(signingKey, SigV4.StringToSign(amzDate, scope.Scope, canonical));
        if (!SigV4.SignaturesEqual(expected, signature))
            throw AuthException.SignatureMismatch();

        var caller = new Caller(key.Account, key.AccessKeyId);
        if (bufferedBody is not null)
            return new AuthenticatedRequest(caller, new MemoryStream(bufferedBody, writable: false), bufferedBody.Length, false);
        return BodyFor(request, caller, contentSha, new ChunkSigner(signingKey, amzDate, scope.Scope, signature));
    }

    private static AuthenticatedRequest BodyFor(HttpRequest request, Caller caller, string contentSha, ChunkSigner? chunkSigner)
    {
        var decodedText = request.Headers["x-amz-decoded-content-length"].ToString();
        long? decodedLength = null;
        if (decodedText.Length > 0)
            decodedLength = long.TryParse(decodedText, NumberStyles.None, CultureInfo.InvariantCulture, out var d)
                ? d
                : throw new AuthException("InvalidArgument", "x-amz-decoded-content-length must be a non-negative integer.", 400);
        switch (contentSha)
        {
            case SigV4.UnsignedPayload:
                return new AuthenticatedRequest(caller, request.Body, request.ContentLength, false);
            case SigV4.StreamingPayload:
            case SigV4.StreamingPayloadTrailer:
            case SigV4.StreamingUnsignedTrailer:
                if (decodedLength is null)
                    throw new AuthException("MissingContentLength", "You must provide the x-amz-decoded-content-length header for aws-chunked uploads.", 411);
                return new AuthenticatedRequest(caller,
                    new AwsChunkedStream(request.Body, contentSha == SigV4.StreamingUnsignedTrailer ? null : chunkSigner, decodedLength.Value, trailer: contentSha != SigV4.StreamingPayload),
                    decodedLength, true);
            default:
                if (contentSha.Length != 64 || !contentSha.All(Uri.IsHexDigit))
                    throw new AuthException("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, a STREAMING-* value, or a valid sha256 value.", 400);
                return new AuthenticatedRequest(caller, new HashVerifyingStream(request.Body, contentSha), request.ContentLength, false);
        }
    }

    private async Task<AuthenticatedRequest> PresignedV4Async(HttpRequest request, string service, CancellationToken ct)
    {
        static AuthException Malformed(string message) => new("AuthorizationQueryParametersError", message, 400);
        var q = request.Query;
        if (q["X-Amz-Algorithm"] != SigV4.Algorithm)
            throw Malformed("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        string Require(string name) => q[name].ToString() is { Length: > 0 } v ? v : throw Malformed($"Query-string authentication version 4 requires the {name} parameter.");
        var scope = SigningScope.Parse(Require("X-Amz-Credential"), Malformed);
        var amzDate = Require("X-Amz-Date");
        var signedHeaders = Require("X-Amz-SignedHeaders");
        var signature = Require("X-Amz-Signature");
        if (!long.TryParse(Require("X-Amz-Expires"), out var expires) || expires < 0)
            throw Malformed("X-Amz-Expires should be a number");
        if (expires > MaxPresignSeconds)
            throw Malformed("X-Amz-Expires must be less than a week (in seconds) that is 604800");
        var when = ParseAmzDate(amzDate) ?? throw Malformed("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        CheckScope(scope, amzDate, service, query: true);
        var now = time.GetUtcNow();
        if (when - now > MaxClockSkew)
            throw new AuthException("AccessDenied", "Request is not valid yet");
        if (now > when.AddSeconds(expires))
            throw new AuthException("AccessDenied", "Request has expired");
        SignedHeaderRule.Check(request, signedHeaders);

        var key = await ResolveAsync(scope.AccessKeyId, ct);
        var s3 = service == "s3";
        var contentSha = q["X-Amz-Content-Sha256"].ToString() is { Length: > 0 } given ? given : SigV4.UnsignedPayload;
        byte[]? bufferedBody = null;
        if (!s3)
            (bufferedBody, contentSha) = await HashedFormBodyAsync(request, q["X-Amz-Content-Sha256"].ToString(), ct);
        var canonical = CanonicalRequest(request, signedHeaders, contentSha, s3, excludeSignature: true);
        var signingKey = _signingKeys.Get(key.SecretAccessKey, scope.Date, scope.Region, scope.Service);
        var expected = SigV4.Sign(signingKey, SigV4.StringToSign(amzDate, scope.Scope, canonical));
        if (!SigV4.SignaturesEqual(expected, signature))
            throw AuthException.SignatureMismatch();
        var caller = new Caller(key.Account, key.AccessKeyId);
        if (bufferedBody is not null)
            return new AuthenticatedRequest(caller, new MemoryStream(bufferedBody, writable: false), bufferedBody.Length, false);
        return BodyFor(request, caller, contentSha, new ChunkSigner(signingKey, amzDate, scope.Scope, signature));
    }

    private async Task<AuthenticatedRequest> HeaderV2Async(HttpRequest request, string authorization, string? resource, CancellationToken ct)
    {
        var credential = authorization[4..];
        var colon = credential.LastIndexOf(':');
        if (colon <= 0)
            throw new AuthException("InvalidArgument", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", 400);
        var amzDate = request.Headers["x-amz-date"].ToString();
        var dateText = amzDate.Length > 0 ? amzDate : request.Headers.Date.ToString();
        var when = ParseV2Date(dateText) ?? throw new AuthException("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header");
        CheckSkew(when);
        var key = await ResolveAsync(credential[..colon], ct);
        var signature = credential[(colon + 1)..];
        // With x-amz-date present the Date line may be signed empty or as sent; both are what clients do.
        var dates = amzDate.Length > 0 ? new[] { "", request.Headers.Date.ToString() } : [request.Headers.Date.ToString()];
        if (!dates.Any(date => SigV2Matches(key.SecretAccessKey, StringToSignV2(request, date, resource), signature)))
            throw AuthException.SignatureMismatch();
        return new AuthenticatedRequest(new Caller(key.Account, key.AccessKeyId), request.Body, request.ContentLength, false);
    }

    private async Task<AuthenticatedRequest> QueryV2Async(HttpRequest request, string? resource, CancellationToken ct)
    {
        var expires = request.Query["Expires"].ToString();
        if (!long.TryParse(expires, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expiresAt))
            throw new AuthException("AccessDenied", "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters");
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (now > expiresAt)
            throw new AuthException("AccessDenied", "Request has expired");
        var key = await ResolveAsync(request.Query["AWSAccessKeyId"].ToString(), ct);
        if (!SigV2Matches(key.SecretAccessKey, StringToSignV2(request, expires, resource), request.Query["Signature"].ToString()))
            throw AuthException.SignatureMismatch();
        // Checked once the signature is known good, so an altered Expires is reported as the forgery it is.
        var cap = (long)signing.MaxQueryV2Expiry.TotalSeconds;
        if (expiresAt > now + cap)
            throw new AuthException("AccessDenied", $"Request Expires is too far in the future: a Signature Version 2 query signature may be valid for at most {cap} seconds.");
        return new AuthenticatedRequest(new Caller(key.Account, key.AccessKeyId), request.Body, request.ContentLength, false);
    }

    private static bool SigV2Matches(string secret, string stringToSign, string signature)
    {
        var expected = HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign));
        byte[] given;
        try
        {
            given = Convert.FromBase64String(signature);
        }
        catch (FormatException)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(expected, given);
    }

    private static string StringToSignV2(HttpRequest request, string date, string? resource)
    {
        if (resource is null)
            throw new AuthException("InvalidArgument", "Signature Version 2 is not supported by this service.", 400);
        var amzHeaders = request.Headers
            .Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: string.Join(',', h.Value.Select(v => v?.Trim()))))
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => $"{h.Name}:{h.Value}\n");
        return $"{request.Method}\n{request.Headers["Content-MD5"]}\n{request.Headers.ContentType}\n{date}\n{string.Concat(amzHeaders)}{resource}";
    }

    private static string CanonicalRequest(HttpRequest request, string signedHeaders, string payloadHash, bool s3, bool excludeSignature)
    {
        var (rawPath, rawQuery) = RawTarget(request);
        var parameters = SigV4.ParseQuery(rawQuery);
        if (excludeSignature)
            parameters.RemoveAll(p => p.Key == "X-Amz-Signature");
        var names = signedHeaders.Split(';', StringSplitOptions.RemoveEmptyEntries);
        var headers = new StringBuilder();
        foreach (var name in names)
        {
            var values = name == "host" ? request.Host.Value ?? "" : string.Join(',', request.Headers[name].Select(v => SigV4.CanonicalHeaderValue(v ?? "")));
            headers.Append(name).Append(':').Append(SigV4.CanonicalHeaderValue(values)).Append('\n');
        }
        return $"{request.Method}\n{SigV4.CanonicalUri(rawPath, s3)}\n{SigV4.CanonicalQuery(parameters)}\n{headers}\n{signedHeaders}\n{payloadHash}";
    }

    /// <summary>The path and query exactly as the client sent them, before any decoding by the server.</summary>
    public static (string Path, string Query) RawTarget(HttpRequest request)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.PathBase + request.Path + request.QueryString);
        var q = raw.IndexOf('?');
        return q < 0 ? (raw, "") : (raw[..q], raw[(q + 1)..]);
    }

    /// <summary>
    /// The credential scope must be this request's: its date that of X-Amz-Date, its service this endpoint's,
    /// its region the cloud's or an accepted alias. S3 answers as S3 does (naming the region it expects);
    /// the Query APIs as their SigV4 front end does (AuthFailure, "Credential should be scoped to…").
    /// </summary>
    private void CheckScope(SigningScope scope, string amzDate, string service, bool query)
    {
        var s3 = service == "s3";
        AuthException S3Error(string header, string parameter, IReadOnlyDictionary<string, string>? details = null) => query
            ? new("AuthorizationQueryParametersError", parameter, 400, details)
            : new("AuthorizationHeaderMalformed", "The authorization header is malformed; " + header, 400, details);
        if (scope.Date != amzDate[..8])
            throw s3
                ? S3Error("Invalid credential date. Date is not the same as X-Amz-Date.",
                    $"Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{amzDate[..8]}\".")
                : new AuthException("AuthFailure",
                    $"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope.Date}' != '{amzDate[..8]}', from '{amzDate}'.", 401);
        if (scope.Region != region && !signing.AcceptedRegionAliases.Contains(scope.Region, StringComparer.Ordinal))
            throw s3
                ? S3Error($"the region '{scope.Region}' is wrong; expecting '{region}'",
                    $"Error parsing the X-Amz-Credential parameter; the region '{scope.Region}' is wrong; expecting '{region}'",
                    new Dictionary<string, string> { ["Region"] = region })
                : new AuthException("AuthFailure", $"Credential should be scoped to a valid region, not '{scope.Region}'.", 401);
        if (scope.Service != service)
            throw s3
                ? S3Error($"incorrect service '{scope.Service}'. This endpoint belongs to '{service}'.",
                    $"Error parsing the X-Amz-Credential parameter; incorrect service '{scope.Service}'. This endpoint belongs to '{service}'.")
                : new AuthException("AuthFailure", $"Credential should be scoped to correct service: '{service}'.", 401);
    }

    /// <summary>
    /// A Query API's body is its parameters, so it is always signed: the payload hash is that of the bytes
    /// received (buffered; Kestrel bounds the body), never UNSIGNED-PAYLOAD or a streaming mode.
    /// </summary>
    private static async Task<(byte[] Body, string Sha256)> HashedFormBodyAsync(HttpRequest request, string declared, CancellationToken ct)
    {
        if (declared == SigV4.UnsignedPayload || declared.StartsWith("STREAMING-", StringComparison.Ordinal))
            throw new AuthException("AuthFailure",
                $"The body of a Query API request is its parameters and must be signed: x-amz-content-sha256 '{declared}' is not accepted.", 401);
        var body = await ReadAllAsync(request.Body, ct);
        return (body, Convert.ToHexStringLower(SHA256.HashData(body)));
    }

    private async Task<SigningCredential> ResolveAsync(string accessKeyId, CancellationToken ct) =>
        await credentials.FindAccessKeyAsync(accessKeyId, ct) ?? throw AuthException.UnknownKey();

    private void CheckSkew(DateTimeOffset when)
    {
        if ((time.GetUtcNow() - when).Duration() > MaxClockSkew)
            throw new AuthException("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.");
    }

    /// <summary>
    /// The date of a SigV2 request as S3 reads it: an HTTP date whose day name is not checked (clients and test suites
    /// send mismatched ones, and S3 answers those RequestTimeTooSkewed), or an ISO 8601 basic timestamp; null for
    /// anything else and for dates before 1970, which S3 refuses as not valid.
    /// </summary>
    private static DateTimeOffset? ParseV2Date(string value)
    {
        var comma = value.IndexOf(',');
        var text = comma is > 0 and <= 9 && value[..comma].All(char.IsAsciiLetter) ? value[(comma + 1)..].Trim() : value.Trim();
        var parsed = ParseAmzDate(text) ?? (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date) ? date : null);
        return parsed is { } when && when >= DateTimeOffset.UnixEpoch ? when : null;
    }

    private static DateTimeOffset? ParseAmzDate(string value) =>
        DateTimeOffset.TryParseExact(value, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) ? parsed : null;

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
