using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>The Object Lock headers of writes (x-amz-object-lock-*), of deletes (the governance bypass) and of GET/HEAD answers.</summary>
public static class ObjectLockHeaders
{
    public const string Mode = "x-amz-object-lock-mode";
    public const string RetainUntil = "x-amz-object-lock-retain-until-date";
    public const string LegalHold = "x-amz-object-lock-legal-hold";
    public const string Bypass = "x-amz-bypass-governance-retention";

    /// <summary>What a write asks for; null when it sends none of the three headers. Malformed values are InvalidArgument.</summary>
    public static ObjectLockSettings? FromRequest(S3Request r)
    {
        var (mode, until, hold) = (r.Header(Mode), r.Header(RetainUntil), r.Header(LegalHold));
        if (mode is null && until is null && hold is null)
            return null;
        if ((mode is null) != (until is null))
            throw S3Errors.InvalidArgument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        ObjectRetention? retention = null;
        if (mode is not null)
        {
            if (!ObjectRetention.IsMode(mode))
                throw S3Errors.InvalidArgument("Unknown wormMode directive.", Mode, mode);
            var date = ObjectRetention.ParseDate(until!) ?? throw S3Errors.InvalidArgument(
                "The retain until date must be provided in ISO 8601 format", RetainUntil, until);
            retention = new ObjectRetention(mode, date);
        }
        bool? legalHold = hold switch
        {
            null => null,
            "ON" => true,
            "OFF" => false,
            _ => throw S3Errors.InvalidArgument("Legal Hold must be either of 'ON' or 'OFF'", LegalHold, hold),
        };
        return new ObjectLockSettings(retention, legalHold);
    }

    /// <summary>
    /// The settings of a write, checked against its bucket: lock headers need a bucket with Object Lock, and a write that
    /// locks its version (by its headers or the bucket's default retention) needs an integrity check of its body, as on AWS.
    /// </summary>
    public static ObjectLockSettings? ForPut(S3Request r, BucketRow bucket, bool hasBody = true)
    {
        var settings = FromRequest(r);
        ObjectLockRules.CheckWrite(bucket, settings, DateTimeOffset.UtcNow);
        if (hasBody && ObjectLockRules.LocksNewVersion(bucket, settings) && !HasIntegrityCheck(r))
            throw ObjectLockErrors.IntegrityRequired();
        return settings;
    }

    /// <summary>Content-MD5 or an additional checksum (a header, or one announced for the trailer).</summary>
    private static bool HasIntegrityCheck(S3Request r) =>
        r.Header("Content-MD5") is not null || r.Header("x-amz-sdk-checksum-algorithm") is not null
        || r.Header("x-amz-trailer")?.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) == true
        || r.Request.Headers.Keys.Any(k => k.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase) && k != "x-amz-checksum-mode");

    public static bool BypassesGovernance(S3Request r) => string.Equals(r.Header(Bypass), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>GetObject and HeadObject answer a version's retention and legal hold, where it has them.</summary>
    public static void Write(HttpResponse response, BucketRow bucket, ObjectRow row)
    {
        if (ObjectLockConfiguration.FromJson(bucket.ObjectLock) is null)
            return;
        if (ObjectRetention.Of(row) is { } retention)
        {
            response.Headers[Mode] = retention.Mode;
            response.Headers[RetainUntil] = S3Xml.Timestamp(retention.RetainUntil);
        }
        response.Headers[LegalHold] = row.LegalHold ? "ON" : "OFF";
    }
}
