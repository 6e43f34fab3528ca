using System.Xml.Linq;
using Ironbark.Common.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Api;

/// <summary>
/// STS on the CLC's port: GetCallerIdentity, which nearly every AWS tool asks first (Terraform's provider,
/// Ansible's amazon.aws, `aws sts get-caller-identity`). Served at /services/Tokens (the Eucalyptus path) and
/// at / for requests signed for the service "sts" (an SDK pointed at the cloud's one endpoint). Query protocol,
/// SigV4 only, answers and errors in STS's own XML.
/// </summary>
public sealed class StsEndpoint(RequestAuthenticator sigV4, ILogger<StsEndpoint> log)
{
    public const string Service = "sts";
    private static readonly XNamespace Ns = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static readonly HashSet<string> Paths = ["/services/Tokens", "/services/Tokens/"];

    /// <summary>Whether <paramref name="request"/> is for STS: at its own path, or at / with a SigV4 scope naming "sts".</summary>
    public static bool Claims(HttpRequest request)
    {
        var path = request.Path.Value ?? "/";
        if (Paths.Contains(path))
            return true;
        return path is "/" && ScopeService(request) == Service;
    }

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        var ct = http.RequestAborted;
        try
        {
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
                throw new StsException("InvalidAction", $"STS takes GET or POST, not {http.Request.Method}.", 405);
            var (caller, parameters) = await AuthenticateAsync(http.Request, ct);
            var action = parameters.GetValueOrDefault("Action") is { Length: > 0 } a
                ? a
                : throw new StsException("MissingAction", "The request must contain the parameter Action.");
            var result = action switch
            {
                "GetCallerIdentity" => GetCallerIdentity(caller),
                _ => throw new StsException("InvalidAction", $"Could not find operation {action} for version 2011-06-15; this cloud's STS answers GetCallerIdentity."),
            };
            http.Response.Headers["x-amzn-RequestId"] = requestId;
            await Ec2Xml.WriteAsync(http.Response, new XElement(Ns + (action + "Response"), result,
                new XElement(Ns + "ResponseMetadata", new XElement(Ns + "RequestId", requestId))), 200);
        }
        catch (StsException e)
        {
            await WriteErrorAsync(http, requestId, e.Code, e.Message, e.Status);
        }
        catch (AuthException e)
        {
            var (code, status, message) = Translate(e);
            await WriteErrorAsync(http, requestId, code, message, status);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception e) when (e is BadHttpRequestException or InvalidDataException)
        {
            await WriteErrorAsync(http, requestId, "InvalidParameterValue", e.Message, 400);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in STS request {RequestId}", requestId);
            await WriteErrorAsync(http, requestId, "InternalFailure", "An internal error has occurred.", 500);
        }
    }

    /// <summary>The caller as STS names an account's own (root) credentials: the account id as user id, the root ARN.</summary>
    private static XElement GetCallerIdentity(AuthenticatedCaller caller) =>
        new(Ns + "GetCallerIdentityResult",
            new XElement(Ns + "Arn", $"arn:aws:iam::{caller.Account.Id}:root"),
            new XElement(Ns + "UserId", caller.Account.Id),
            new XElement(Ns + "Account", caller.Account.Id));

    private async Task<(AuthenticatedCaller Caller, Dictionary<string, string> Parameters)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0 && !request.Query.ContainsKey("X-Amz-Signature") && !request.Query.ContainsKey("X-Amz-Credential"))
            throw new AuthException("MissingAuthenticationToken", "Request is missing Authentication Token", 403);
        if (authorization.Length > 0 && !authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal))
            throw new AuthException("IncompleteSignature", $"Unsupported Authorization Type: STS takes {SigV4.Algorithm}.", 400);
        var auth = await sigV4.AuthenticateAsync(request, Service, s3V2Resource: null, ct);
        return (AuthenticatedCaller.From(auth.Caller), await QueryParameters.ReadAsync(request, auth.Body, ct));
    }

    /// <summary>
    /// The service of a SigV4 request's credential scope (header or query), read with the parsers the authenticator
    /// uses, so routing and authentication never read two different scopes; null when there is none to read.
    /// </summary>
    internal static string? ScopeService(HttpRequest request)
    {
        static AuthException Malformed(string message) => new("AuthorizationHeaderMalformed", message, 400);
        var authorization = request.Headers.Authorization.ToString();
        try
        {
            var credential = request.Query["X-Amz-Credential"].ToString() is { Length: > 0 } query ? query
                : authorization.StartsWith(SigV4.Algorithm + " ", StringComparison.Ordinal)
                    ? AuthorizationFields.Parse(authorization[SigV4.Algorithm.Length..], Malformed).GetValueOrDefault("Credential")
                    : null;
            return credential is null ? null : SigningScope.Parse(credential, Malformed).Service;
        }
        catch (AuthException)
        {
            // Malformed: EC2's authenticator (the default at /) says what is wrong with it.
            return null;
        }
    }

    /// <summary>Authentication failures with the codes STS gives them.</summary>
    private static (string Code, int Status, string Message) Translate(AuthException e) => e.Code switch
    {
        "InvalidAccessKeyId" => ("InvalidClientTokenId", 403, "The security token included in the request is invalid."),
        "SignatureDoesNotMatch" => ("SignatureDoesNotMatch", 403,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."),
        "RequestTimeTooSkewed" => ("RequestExpired", 400, e.Message),
        "AuthorizationHeaderMalformed" or "AuthorizationQueryParametersError" or "InvalidArgument" => ("IncompleteSignature", 400, e.Message),
        "AccessDenied" => ("AccessDenied", 403, e.Message),
        _ => (e.Code, e.StatusCode, e.Message),
    };

    private static async Task WriteErrorAsync(HttpContext http, string requestId, string code, string message, int status)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }
        http.Response.Clear();
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        await Ec2Xml.WriteAsync(http.Response, new XElement(Ns + "ErrorResponse",
            new XElement(Ns + "Error",
                new XElement(Ns + "Type", status >= 500 ? "Receiver" : "Sender"),
                new XElement(Ns + "Code", code),
                new XElement(Ns + "Message", message)),
            new XElement(Ns + "RequestId", requestId)), status);
    }
}
