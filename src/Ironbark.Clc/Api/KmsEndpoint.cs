using System.Text;
using System.Text.Json.Nodes;
using Ironbark.Clc.Keys;
using Ironbark.Common.Auth;
using Ironbark.Common.Keys;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Api;

/// <summary>
/// KMS on the CLC's port: the JSON protocol (awsJson1.1) at / for requests signed for the service "kms" or naming a
/// TrentService operation in X-Amz-Target; SigV4 only; answers and errors as KMS writes them ({"__type": …, "message": …}).
/// </summary>
public sealed class KmsEndpoint(RequestAuthenticator sigV4, KmsApi api, ILogger<KmsEndpoint> log)
{
    public const string Service = "kms";
    private const string TargetPrefix = "TrentService.";
    private const string ContentType = "application/x-amz-json-1.1";
    private const int MaxBodyBytes = 64 * 1024;

    /// <summary>Whether <paramref name="request"/> is for KMS: at / with a SigV4 scope naming "kms", or a TrentService target.</summary>
    public static bool Claims(HttpRequest request) =>
        (request.Path.Value ?? "/") is "/"
        && (request.Headers["X-Amz-Target"].ToString().StartsWith(TargetPrefix, StringComparison.Ordinal) || StsEndpoint.ScopeService(request) == Service);

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Guid.NewGuid().ToString();
        var ct = http.RequestAborted;
        try
        {
            if (!HttpMethods.IsPost(http.Request.Method))
                throw new KmsException("UnknownOperationException", $"KMS takes POST, not {http.Request.Method}.", 405);
            var (caller, body) = await AuthenticateAsync(http.Request, ct);
            var target = http.Request.Headers["X-Amz-Target"].ToString();
            var operation = target.StartsWith(TargetPrefix, StringComparison.Ordinal) ? target[TargetPrefix.Length..] : "";
            if (!KmsApi.Operations.Contains(operation))
                throw new KmsException("UnknownOperationException",
                    target.Length == 0 ? "The request names no operation (X-Amz-Target)." : $"Operation {target} is not one this key service answers.");
            var answer = await api.RunAsync(operation, caller.Account.Id, KmsRequest.Parse(body), ct);
            await WriteAsync(http, requestId, answer, 200);
        }
        catch (KmsException e)
        {
            await WriteErrorAsync(http, requestId, e.Code, e.Message, e.Status);
        }
        catch (KeyServiceException e)
        {
            var (code, status) = Translate(e.Error);
            await WriteErrorAsync(http, requestId, code, e.Message, status);
        }
        catch (KeyRequestException e)
        {
            await WriteErrorAsync(http, requestId, e.Code, e.Message, 400);
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
            await WriteErrorAsync(http, requestId, "ValidationException", e.Message, 400);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error in KMS request {RequestId}", requestId);
            await WriteErrorAsync(http, requestId, "KMSInternalException", "An internal error has occurred.", 500);
        }
    }

    private async Task<(AuthenticatedCaller Caller, byte[] Body)> AuthenticateAsync(HttpRequest request, CancellationToken ct)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.Length == 0 && !request.Query.ContainsKey("X-Amz-Signature") && !request.Query.ContainsKey("X-Amz-Credential"))
            throw new KmsException("MissingAuthenticationTokenException", "Request is missing Authentication Token");
        if (authorization.Length > 0 && !authorization.StartsWith(SigV4.Algorithm, StringComparison.Ordinal))
            throw new KmsException("IncompleteSignatureException", $"Unsupported Authorization Type: KMS takes {SigV4.Algorithm}.");
        var auth = await sigV4.AuthenticateAsync(request, Service, s3V2Resource: null, ct);
        var caller = AuthenticatedCaller.From(auth.Caller);
        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await auth.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
                throw new KmsException("ValidationException", $"The request body is larger than {MaxBodyBytes} bytes.", 413);
            body.Write(buffer, 0, read);
        }
        return (caller, body.ToArray());
    }

    private static (string Code, int Status) Translate(KeyServiceError error) => error switch
    {
        KeyServiceError.NotFound => ("NotFoundException", 400),
        KeyServiceError.Disabled => ("DisabledException", 400),
        KeyServiceError.InvalidCiphertext => ("InvalidCiphertextException", 400),
        KeyServiceError.AccessDenied => ("AccessDeniedException", 400),
        _ => ("KMSInternalException", 500),
    };

    /// <summary>Authentication failures with the types the JSON services give them.</summary>
    private static (string Code, int Status, string Message) Translate(AuthException e) => e.Code switch
    {
        "InvalidAccessKeyId" => ("UnrecognizedClientException", 400, "The security token included in the request is invalid."),
        "SignatureDoesNotMatch" => ("InvalidSignatureException", 400,
            "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method."),
        "RequestTimeTooSkewed" => ("InvalidSignatureException", 400, e.Message),
        "AuthorizationHeaderMalformed" or "AuthorizationQueryParametersError" or "InvalidArgument" => ("IncompleteSignatureException", 400, e.Message),
        "MissingAuthenticationToken" => ("MissingAuthenticationTokenException", 400, e.Message),
        "AccessDenied" => ("AccessDeniedException", 400, e.Message),
        _ => (e.Code, e.StatusCode, e.Message),
    };

    private static async Task WriteAsync(HttpContext http, string requestId, JsonObject body, int status)
    {
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        http.Response.StatusCode = status;
        http.Response.Headers["x-amzn-RequestId"] = requestId;
        http.Response.ContentType = ContentType;
        http.Response.ContentLength = bytes.Length;
        await http.Response.Body.WriteAsync(bytes);
    }

    private static async Task WriteErrorAsync(HttpContext http, string requestId, string code, string message, int status)
    {
        if (http.Response.HasStarted)
        {
            http.Abort();
            return;
        }
        http.Response.Clear();
        await WriteAsync(http, requestId, new JsonObject { ["__type"] = code, ["message"] = message }, status);
    }
}
