using System.Globalization;
using System.Xml.Linq;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Get/PutObjectLockConfiguration, Get/PutObjectRetention and Get/PutObjectLegalHold: their XML in and out.</summary>
public sealed class ObjectLockApi(ObjectLockService locks)
{
    public async Task GetConfigurationAsync(S3Request r)
    {
        var configuration = await locks.GetConfigurationAsync(r.Caller, r.Bucket, r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ObjectLockConfiguration", w =>
        {
            w.Element("ObjectLockEnabled", "Enabled");
            if (!configuration.HasDefaultRetention)
                return;
            w.WriteStartElement("Rule", S3Xml.Namespace);
            w.WriteStartElement("DefaultRetention", S3Xml.Namespace);
            w.Element("Mode", configuration.DefaultMode);
            w.Element("Days", configuration.DefaultDays?.ToString(CultureInfo.InvariantCulture));
            w.Element("Years", configuration.DefaultYears?.ToString(CultureInfo.InvariantCulture));
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    public async Task PutConfigurationAsync(S3Request r)
    {
        await locks.PutConfigurationAsync(r.Caller, r.Bucket, async () => ParseConfiguration(await S3Xml.ReadAsync(r)), r.Aborted);
        r.Response.StatusCode = 200;
    }

    /// <summary>The configuration as AWS validates it: Enabled, and a rule only with a mode and exactly one positive period.</summary>
    internal static ObjectLockConfiguration ParseConfiguration(XElement xml)
    {
        if (xml.Name.LocalName != "ObjectLockConfiguration" || xml.Child("ObjectLockEnabled") != "Enabled")
            throw S3Errors.MalformedXml();
        if (xml.Children("Rule").FirstOrDefault() is not { } rule)
            return new ObjectLockConfiguration();
        var retention = rule.Children("DefaultRetention").FirstOrDefault() ?? throw S3Errors.MalformedXml();
        var mode = retention.Child("Mode");
        var (days, years) = (Period(retention.Child("Days")), Period(retention.Child("Years")));
        if (!ObjectRetention.IsMode(mode) || (days is null) == (years is null))
            throw S3Errors.MalformedXml();
        if (days <= 0 || years <= 0)
            throw ObjectLockErrors.InvalidRetentionPeriod("Default retention period must be a positive integer value.");
        if (days > ObjectLockConfiguration.MaxDays || years > ObjectLockConfiguration.MaxYears)
            throw ObjectLockErrors.InvalidRetentionPeriod("Default retention period is too large.");
        return new ObjectLockConfiguration(mode, (int?)days, (int?)years);
    }

    private static long? Period(string? value) => value is null ? null
        : long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? Math.Clamp(n, -1, int.MaxValue)
        : throw S3Errors.MalformedXml();

    public async Task GetRetentionAsync(S3Request r)
    {
        var row = await locks.GetVersionAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), ObjectLockActions.GetRetention, r.Aborted);
        var retention = ObjectRetention.Of(row) ?? throw ObjectLockErrors.NoObjectConfiguration();
        await S3Xml.WriteAsync(r.Response, "Retention", w =>
        {
            w.Element("Mode", retention.Mode);
            w.Element("RetainUntilDate", S3Xml.Timestamp(retention.RetainUntil));
        });
    }

    public async Task PutRetentionAsync(S3Request r)
    {
        var row = await locks.PutRetentionAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), async () => ParseRetention(await S3Xml.ReadAsync(r)),
            ObjectLockHeaders.BypassesGovernance(r), r.Aborted);
        WriteVersion(r, row);
        r.Response.StatusCode = 200;
    }

    /// <summary>A retention (mode and date), or none: an empty Retention removes it.</summary>
    private static ObjectRetention? ParseRetention(XElement xml)
    {
        if (xml.Name.LocalName != "Retention")
            throw S3Errors.MalformedXml();
        var (mode, until) = (xml.Child("Mode"), xml.Child("RetainUntilDate"));
        if (mode is null && until is null)
            return null;
        if (!ObjectRetention.IsMode(mode) || until is null || ObjectRetention.ParseDate(until) is not { } date)
            throw S3Errors.MalformedXml();
        return new ObjectRetention(mode!, date);
    }

    public async Task GetLegalHoldAsync(S3Request r)
    {
        var row = await locks.GetVersionAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), ObjectLockActions.GetLegalHold, r.Aborted);
        await S3Xml.WriteAsync(r.Response, "LegalHold", w => w.Element("Status", row.LegalHold ? "ON" : "OFF"));
    }

    public async Task PutLegalHoldAsync(S3Request r)
    {
        var row = await locks.PutLegalHoldAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), async () =>
        {
            var xml = await S3Xml.ReadAsync(r);
            var status = xml.Name.LocalName == "LegalHold" ? xml.Child("Status") : null;
            return status is "ON" or "OFF" ? status == "ON" : throw S3Errors.MalformedXml();
        }, r.Aborted);
        WriteVersion(r, row);
        r.Response.StatusCode = 200;
    }

    private static void WriteVersion(S3Request r, ObjectRow row)
    {
        if (row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
    }
}
