using System.Globalization;
using Ironbark.Common.Auth;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The policy context keys of an S3 request (aws:SourceIp, s3:x-amz-acl, s3:prefix, …), read once from the HTTP request and
/// the authentication result, keyed by their lower-case names. s3:ExistingObjectTag/… is read from the object when evaluated.
/// </summary>
public static class RequestFacts
{
    private static readonly string[] HeaderKeys =
    [
        "x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control",
        "x-amz-copy-source", "x-amz-metadata-directive", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
        "x-amz-server-side-encryption-customer-algorithm", "x-amz-storage-class", "x-amz-content-sha256", "x-amz-object-ownership",
    ];

    /// <summary>
    /// The caller with the request's facts attached, gathered only when first read (a policy condition, Block Public Access):
    /// most requests are decided without them.
    /// </summary>
    public static Caller Attach(HttpContext http, S3Query query, Caller caller, DateTimeOffset now) =>
        caller with { Facts = new LazyFacts(() => Gather(http, query, caller, now)) };

    private static Dictionary<string, IReadOnlyList<string>> Gather(HttpContext http, S3Query query, Caller caller, DateTimeOffset now)
    {
        var facts = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        void Set(string key, string? value)
        {
            if (value is not null)
                facts[key] = [value];
        }
        var request = http.Request;
        string? Header(string name) => request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;

        var ip = http.Connection.RemoteIpAddress;
        Set("aws:sourceip", ip is null ? null : (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString());
        Set("aws:securetransport", request.IsHttps ? "true" : "false");
        Set("aws:currenttime", now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        Set("aws:epochtime", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        Set("aws:referer", Header("Referer"));
        Set("aws:useragent", Header("User-Agent"));
        if (caller.Account is { } account)
        {
            Set("aws:principalaccount", account.Id);
            Set("aws:principalarn", $"arn:aws:iam::{account.Id}:root");
            Set("aws:userid", account.Id);
            Set("aws:principaltype", "Account");
        }
        foreach (var name in HeaderKeys)
            Set("s3:" + name, Header(name));
        foreach (var (fact, name) in new[] { ("s3:prefix", "prefix"), ("s3:delimiter", "delimiter"), ("s3:max-keys", "max-keys"), ("s3:versionid", "versionId") })
            Set(fact, query.Get(name));
        if (Header("x-amz-tagging") is { } tagging)
        {
            var tags = SigV4.ParseQuery(tagging);
            facts["s3:requestobjecttagkeys"] = tags.Select(t => t.Key).ToList();
            foreach (var (k, v) in tags)
                facts["s3:requestobjecttag/" + k.ToLowerInvariant()] = [v];
        }
        Set("s3:object-lock-mode", Header("x-amz-object-lock-mode"));
        Set("s3:object-lock-legal-hold", Header("x-amz-object-lock-legal-hold"));
        if (Header("x-amz-object-lock-retain-until-date") is { } until)
        {
            Set("s3:object-lock-retain-until-date", until);
            if (DateTimeOffset.TryParse(until, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                Set("s3:object-lock-remaining-retention-days", Math.Max(0, (int)Math.Ceiling((date - now).TotalDays)).ToString(CultureInfo.InvariantCulture));
        }
        if (!caller.IsAnonymous)
        {
            var authorization = Header("Authorization");
            var presignedV4 = query.Has("X-Amz-Signature") || query.Has("X-Amz-Credential");
            var v4 = presignedV4 || authorization?.StartsWith("AWS4-", StringComparison.Ordinal) == true;
            Set("s3:signatureversion", v4 ? "AWS4-HMAC-SHA256" : "AWS");
            Set("s3:authtype", authorization is not null ? "REST-HEADER" : presignedV4 || query.Has("Signature") ? "REST-QUERY-STRING" : "POST");
        }
        return facts;
    }
}
