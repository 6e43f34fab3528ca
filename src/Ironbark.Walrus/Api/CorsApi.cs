using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>CORS: answers preflight OPTIONS requests and adds the CORS headers to actual requests, from the bucket's rules.</summary>
public sealed class CorsApi(WalrusStore store)
{
    public async Task PreflightAsync(HttpContext http, S3Address address)
    {
        var origin = http.Request.Headers.Origin.ToString();
        var method = http.Request.Headers.AccessControlRequestMethod.ToString();
        if (address.Bucket is null)
            throw S3Errors.MethodNotAllowed("OPTIONS");
        if (origin.Length == 0)
            throw new WalrusException("BadRequest", 400, "Insufficient information. Origin request header needed.");
        if (method.Length == 0)
            throw new WalrusException("BadRequest", 400, "Invalid Access-Control-Request-Method: null");
        var bucket = await store.GetBucketAsync(address.Bucket, http.RequestAborted) ?? throw S3Errors.NoSuchBucket(address.Bucket);
        var requested = http.Request.Headers.AccessControlRequestHeaders.ToString()
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var rule = bucket.Cors is null ? null : CorsConfiguration.FromJson(bucket.Cors).Match(origin, method, requested);
        if (rule is null)
            throw new WalrusException("AccessForbidden", 403, "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
                .With("Method", method).With("ResourceType", address.Key is null ? "BUCKET" : "OBJECT");
        var headers = http.Response.Headers;
        WriteAllowOrigin(headers, rule, origin);
        headers.AccessControlAllowMethods = string.Join(", ", rule.AllowedMethods);
        if (requested.Length > 0)
            headers.AccessControlAllowHeaders = string.Join(", ", requested);
        if (rule.ExposeHeaders.Count > 0)
            headers.AccessControlExposeHeaders = string.Join(", ", rule.ExposeHeaders);
        if (rule.MaxAgeSeconds is { } age)
            headers.AccessControlMaxAge = age.ToString();
        http.Response.StatusCode = 200;
    }

    /// <summary>Adds CORS headers to a request from a browser when a rule of the bucket allows it.</summary>
    public async Task DecorateAsync(S3Request r)
    {
        var origin = r.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
            return;
        var bucket = await store.GetBucketAsync(r.Bucket, r.Aborted);
        if (bucket?.Cors is null)
            return;
        var rule = CorsConfiguration.FromJson(bucket.Cors).Match(origin, r.Request.Method, []);
        if (rule is null)
            return;
        WriteAllowOrigin(r.Response.Headers, rule, origin);
        r.Response.Headers.AccessControlAllowMethods = string.Join(", ", rule.AllowedMethods);
        if (rule.ExposeHeaders.Count > 0)
            r.Response.Headers.AccessControlExposeHeaders = string.Join(", ", rule.ExposeHeaders);
    }

    private static void WriteAllowOrigin(IHeaderDictionary headers, CorsRule rule, string origin)
    {
        headers.AccessControlAllowOrigin = rule.AllowedOrigins.Contains("*") ? "*" : origin;
        if (!rule.AllowedOrigins.Contains("*"))
            headers.AccessControlAllowCredentials = "true";
        headers.Vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
    }
}
