using Ironbark.Clc.Domain;
using Ironbark.Common.Auth;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Api;

/// <summary>
/// The EC2 Query API edge, at / and /services/compute: authenticates (SigV4, or query SigV2),
/// reads the parameters (query string and form body), dispatches the action, writes the
/// XxxResponse; and is the one place where errors become EC2 error responses.
/// </summary>
public sealed class Ec2Endpoint(RequestAuthenticator sigV4, QuerySignatureV2 sigV2, Ec2Router router, ILogger<Ec2Endpoint> log)
{
    private static readonly HashSet<string> Paths = ["/", "/services/compute", "/services/compute/"];

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        var ct = http.RequestAborted;
        try
        {
            if (!Paths.Contains(http.Request.Path.Value ?? "/"))
                throw new Ec2Exception("InvalidAction", $"There is no EC2 service at {http.Request.Path}; use / or /services/compute.", 404);
            if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
                throw new Ec2Exception("InvalidHttpRequest", $"The EC2 Query API takes GET or POST, not {http.Request.Method}.", 405);
            var (caller, parameters) = await AuthenticateAsync(http.Request, ct);
            var action = parameters.TryGetValue("Action", out var a) && a.Length > 0
                ? a
                : throw new Ec2Exception("MissingAction", "The request must contain the parameter Action.");
            var handler = router.Find(action) ?? throw new Ec2Exception("InvalidAction", $"The action {action} is not valid for this web service.");
            var request = new Ec2Request(action, new Ec2Parameters(parameters), caller, requestId);
            using var scope = log.BeginScope("{Action} by account {Account}", action, request.AccountId);
            var content = await handler(request, ct);
            http.Response.Headers["x-amzn-RequestId"] = requestId;
            await Ec2Xml.WriteAsync(http.Response, Ec2Xml.Streamed(action + "Response", [Ec2Xml.E("requestId", requestId), .. content]), 200);
        }
        catch (Ec2Exception e)
        {
            await Ec2ErrorWriter.WriteAsync(http, requestId, e.Code, e.Message, e.Status);
        }
        catch (AuthException e)
        {
            var (code, status) = Translate(e);
            // A wrong key or signature says no more than EC2 does; the other refusals say what to fix.
            var message = e.Code is "SignatureDoesNotMatch" or "InvalidAccessKeyId" ? "AWS was not able to validate the provided access credentials" : e.Message;
            await Ec2ErrorWriter.WriteAsync(http, requestId, code, message, status);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (BadHttpRequestException e)
        {
            await Ec2ErrorWriter.WriteAsync(http, requestId, "InvalidParameterValue", e.Message, 400);
        }
        catch (InvalidDataException e)
        {
            // What the form reader throws for a body past its limits.
            await Ec2ErrorWriter.WriteAsync(http, requestId, "InvalidParameterValue", e.Message, 400);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in request {RequestId}", requestId);
            await Ec2ErrorWriter.WriteAsync(http, requestId, "InternalError", "An internal error has occurred.", 500);
        }
    }

    /// <summary>
    /// SigV4 comes in the Authorization header or the query: the authenticator checks it (hashing the body it
    /// buffers) before the form is read from what it hands back. SigV2 signs the parameters themselves, so
    /// they are read first. Either way the answer is a signed caller or an error: every EC2 action needs one,
    /// and an empty or unknown Authorization header is refused, never taken for anonymous.
    /// </summary>
    private async Task<(AuthenticatedCaller Caller, Dictionary<string, string> Parameters)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length > 0 || request.Query.ContainsKey("X-Amz-Signature") || request.Query.ContainsKey("X-Amz-Credential"))
        {
            if (!authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal) && authorization.Length > 0)
                throw new AuthException("IncompleteSignature",
                    $"Unsupported Authorization Type: the EC2 API takes {SigV4.Algorithm} in the Authorization header, or a signed query.", 400);
            var auth = await sigV4.AuthenticateAsync(request, "ec2", s3V2Resource: null, ct);
            return (AuthenticatedCaller.From(auth.Caller), await QueryParameters.ReadAsync(request, auth.Body, ct));
        }
        var parameters = await QueryParameters.ReadAsync(request, request.Body, ct);
        if (!QuerySignatureV2.IsSigned(parameters))
            throw new AuthException("MissingAuthenticationToken", "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.", 403);
        var (rawPath, _) = RequestAuthenticator.RawTarget(request);
        return (await sigV2.AuthenticateAsync(request.Method, request.Host.Value ?? "", rawPath, parameters, ct), parameters);
    }

    /// <summary>Authentication failures as EC2 reports them (the authenticator speaks S3's codes).</summary>
    private static (string Code, int Status) Translate(AuthException e) => e.Code switch
    {
        "SignatureDoesNotMatch" or "InvalidAccessKeyId" or "AccessDenied" => ("AuthFailure", 401),
        "RequestTimeTooSkewed" => ("RequestExpired", 400),
        "AuthorizationHeaderMalformed" or "AuthorizationQueryParametersError" or "InvalidArgument" => ("IncompleteSignature", 400),
        _ => (e.Code, e.StatusCode),
    };
}
