using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The S3 REST edge: resolves the addressed bucket and key, authenticates, dispatches, and is the
/// one place where errors become S3 error responses.
/// </summary>
public sealed class S3Endpoint(RequestAuthenticator authenticator, S3Router router, WalrusOptions options, IHostApplicationLifetime lifetime,
    ILogger<S3Endpoint> log)
{
    public async Task HandleAsync(HttpContext http)
    {
        http.Response.Headers["x-amz-request-id"] = http.TraceIdentifier;
        http.Response.Headers.Server = "Ironbark-Walrus";
        try
        {
            var (rawPath, rawQuery) = RequestAuthenticator.RawTarget(http.Request);
            var address = S3Address.Parse(http.Request.Host.Value ?? "", rawPath, options.Domain);
            if (http.Request.Method == HttpMethods.Options)
            {
                await router.PreflightAsync(http, address);
                return;
            }
            var query = S3Query.Parse(rawQuery);
            var auth = await authenticator.AuthenticateAsync(http.Request, "s3", address.V2Resource(rawPath, query), http.RequestAborted);
            auth = auth with { Caller = RequestFacts.Attach(http, query, auth.Caller, DateTimeOffset.UtcNow) };
            await router.DispatchAsync(new S3Request(http, address, query, auth, options.InMemoryBodyTimeout));
        }
        catch (WalrusException e)
        {
            await FailAsync(http, e.Code, e.Status, e.Message, e.Details);
        }
        catch (DeleteMarkerException e)
        {
            await FailAsync(http, e.Error.Code, e.Error.Status, e.Error.Message, e.Error.Details,
                [new("x-amz-delete-marker", "true"), new("x-amz-version-id", e.Marker.VersionId)]);
        }
        catch (AuthException e)
        {
            await FailAsync(http, e.Code, e.StatusCode, e.Message, e.Details);
        }
        catch (Exception e) when (ClientWentAway(http, e))
        {
            // The client went away (or a stop closed its connection); nothing was committed.
        }
        catch (BadHttpRequestException e)
        {
            await FailAsync(http, "IncompleteBody", 400, e.Message);
        }
        catch (Exception e)
        {
            log.LogError(e, "Unhandled error on {Method} {Path}", http.Request.Method, http.Request.Path);
            await FailAsync(http, "InternalError", 500, "We encountered an internal error. Please try again.");
        }
    }

    /// <summary>Writes the error, after taking care that an unread body cannot be parsed as the connection's next request.</summary>
    private static async Task FailAsync(HttpContext http, string code, int status, string message, IReadOnlyDictionary<string, string>? details = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null)
    {
        var keepAlive = http.Response.HasStarted || await UnreadRequestBody.DrainAsync(http);
        await S3ErrorWriter.WriteAsync(http, code, status, message, details,
            keepAlive ? headers : [.. headers ?? [], new("Connection", "close")]);
    }

    /// <summary>
    /// A cancelled request, or a connection Kestrel aborted while stopping (ConnectionAbortedException is an
    /// OperationCanceledException) or that broke under it then: the client is gone, not a fault of Walrus.
    /// </summary>
    private bool ClientWentAway(HttpContext http, Exception e) =>
        (e is OperationCanceledException && http.RequestAborted.IsCancellationRequested)
        || (e is OperationCanceledException or IOException && lifetime.ApplicationStopping.IsCancellationRequested);
}
