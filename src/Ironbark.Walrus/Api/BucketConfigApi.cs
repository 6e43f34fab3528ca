using System.Xml;
using System.Xml.Linq;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Bucket sub-resources (versioning, CORS, policy, lifecycle, tagging) and object tagging.</summary>
public sealed class BucketConfigApi(BucketService buckets, ObjectService objects, WalrusStore store)
{
    public async Task GetVersioningAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketVersioning"), r.Aborted);
        await S3Xml.WriteAsync(r.Response, "VersioningConfiguration", w =>
        {
            if (bucket.Versioning != "")
                w.Element("Status", bucket.Versioning);
        });
    }

    public async Task PutVersioningAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketVersioning"), r.Aborted);
        var xml = await S3Xml.ReadAsync(r);
        if (xml.Name.LocalName != "VersioningConfiguration")
            throw S3Errors.MalformedXml();
        if (xml.Child("MfaDelete") == "Enabled")
            throw S3Errors.InvalidRequest("MFA delete is not supported by this cloud.");
        var status = xml.Child("Status");
        if (status is null)
            return;
        if (status is not ("Enabled" or "Suspended"))
            throw S3Errors.MalformedXml();
        if (status != "Enabled" && ObjectLockConfiguration.FromJson(bucket.ObjectLock) is not null)
            throw ObjectLockErrors.VersioningCannotChange();
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Versioning, status, r.Aborted);
    }

    public async Task GetCorsAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketCORS"), r.Aborted);
        var cors = bucket.Cors is null
            ? throw S3Errors.NoSuchConfiguration("NoSuchCORSConfiguration", "The CORS configuration does not exist")
            : CorsConfiguration.FromJson(bucket.Cors);
        await S3Xml.WriteAsync(r.Response, "CORSConfiguration", w =>
        {
            foreach (var rule in cors.Rules)
            {
                w.WriteStartElement("CORSRule", S3Xml.Namespace);
                w.Element("ID", rule.Id);
                rule.AllowedOrigins.ForEach(v => w.Element("AllowedOrigin", v));
                rule.AllowedMethods.ForEach(v => w.Element("AllowedMethod", v));
                rule.AllowedHeaders.ForEach(v => w.Element("AllowedHeader", v));
                rule.ExposeHeaders.ForEach(v => w.Element("ExposeHeader", v));
                if (rule.MaxAgeSeconds is { } age)
                    w.Element("MaxAgeSeconds", age.ToString());
                w.WriteEndElement();
            }
        });
    }

    public async Task PutCorsAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketCORS"), r.Aborted);
        var cors = CorsConfiguration.FromXml(await S3Xml.ReadAsync(r));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Cors, cors.ToJson(), r.Aborted);
    }

    public Task DeleteCorsAsync(S3Request r) => ClearAsync(r, "s3:PutBucketCORS", BucketField.Cors);

    public async Task GetPolicyAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketPolicy"), r.Aborted);
        if (bucket.Policy is null)
            throw S3Errors.NoSuchConfiguration("NoSuchBucketPolicy", "The bucket policy does not exist");
        var bytes = System.Text.Encoding.UTF8.GetBytes(bucket.Policy);
        r.Response.ContentType = "application/json";
        r.Response.ContentLength = bytes.Length;
        await r.Response.Body.WriteAsync(bytes, r.Aborted);
    }

    public async Task PutPolicyAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketPolicy"), r.Aborted);
        var json = System.Text.Encoding.UTF8.GetString(await r.ReadSmallBodyAsync(S3BodyLimits.BucketPolicy,
            () => S3Errors.PolicyTooLarge(S3BodyLimits.BucketPolicy)));
        PublicAccessApi.CheckPolicyAllowed(bucket, BucketPolicy.ParseStrict(json, bucket.Name));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Policy, json, r.Aborted);
        r.Response.StatusCode = 204;
    }

    public Task DeletePolicyAsync(S3Request r) => ClearAsync(r, "s3:DeleteBucketPolicy", BucketField.Policy);

    public async Task GetLifecycleAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetLifecycleConfiguration"), r.Aborted);
        var lifecycle = bucket.Lifecycle is null
            ? throw S3Errors.NoSuchConfiguration("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
            : LifecycleConfiguration.FromJson(bucket.Lifecycle);
        await S3Xml.WriteAsync(r.Response, "LifecycleConfiguration", w =>
        {
            foreach (var rule in lifecycle.Rules)
                WriteRule(w, rule);
        });
    }

    private static void WriteRule(XmlWriter w, LifecycleRule rule)
    {
        w.WriteStartElement("Rule", S3Xml.Namespace);
        w.Element("ID", rule.Id);
        w.WriteStartElement("Filter", S3Xml.Namespace);
        if (rule.Tags.Count == 0)
            w.Element("Prefix", rule.Prefix);
        else
        {
            w.WriteStartElement("And", S3Xml.Namespace);
            w.Element("Prefix", rule.Prefix);
            foreach (var (key, value) in rule.Tags)
            {
                w.WriteStartElement("Tag", S3Xml.Namespace);
                w.Element("Key", key);
                w.Element("Value", value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.Element("Status", rule.Enabled ? "Enabled" : "Disabled");
        if (rule.ExpirationDays is not null || rule.ExpirationDate is not null || rule.ExpiredObjectDeleteMarker)
        {
            w.WriteStartElement("Expiration", S3Xml.Namespace);
            if (rule.ExpirationDays is { } days)
                w.Element("Days", days.ToString());
            if (rule.ExpirationDate is { } date)
                w.Element("Date", S3Xml.Timestamp(date));
            if (rule.ExpiredObjectDeleteMarker)
                w.Element("ExpiredObjectDeleteMarker", "true");
            w.WriteEndElement();
        }
        if (rule.NoncurrentDays is { } noncurrent)
        {
            w.WriteStartElement("NoncurrentVersionExpiration", S3Xml.Namespace);
            w.Element("NoncurrentDays", noncurrent.ToString());
            w.WriteEndElement();
        }
        if (rule.AbortDays is { } abort)
        {
            w.WriteStartElement("AbortIncompleteMultipartUpload", S3Xml.Namespace);
            w.Element("DaysAfterInitiation", abort.ToString());
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    public async Task PutLifecycleAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutLifecycleConfiguration"), r.Aborted);
        var lifecycle = LifecycleConfiguration.FromXml(await S3Xml.ReadAsync(r));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Lifecycle, lifecycle.ToJson(), r.Aborted);
    }

    public Task DeleteLifecycleAsync(S3Request r) => ClearAsync(r, "s3:PutLifecycleConfiguration", BucketField.Lifecycle);

    public async Task GetBucketTaggingAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketTagging"), r.Aborted);
        if (bucket.Tagging is null)
            throw S3Errors.NoSuchConfiguration("NoSuchTagSet", "The TagSet does not exist");
        await WriteTagsAsync(r, TagSet.Read(bucket.Tagging));
    }

    public async Task PutBucketTaggingAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketTagging"), r.Aborted);
        var tags = TagSet.ValidateBucketTags(await ReadTagsAsync(r));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Tagging, tags, r.Aborted);
        r.Response.StatusCode = 204;
    }

    public Task DeleteBucketTaggingAsync(S3Request r) => ClearAsync(r, "s3:PutBucketTagging", BucketField.Tagging);

    public async Task GetObjectTaggingAsync(S3Request r)
    {
        var versionId = r.Query("versionId");
        var (_, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, versionId,
            versionId is null ? S3Action.GetObjectTagging : S3Action.GetObjectVersionTagging, r.Aborted);
        if (row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
        await WriteTagsAsync(r, TagSet.Read(row.Tags));
    }

    public async Task PutObjectTaggingAsync(S3Request r)
    {
        var versionId = r.Query("versionId");
        var (_, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, versionId,
            versionId is null ? S3Action.PutObjectTagging : S3Action.PutObjectVersionTagging, r.Aborted);
        var tags = TagSet.ValidateObjectTags(await ReadTagsAsync(r));
        await store.SetObjectFieldAsync(row.Bucket, row.Key, row.VersionId, ObjectField.Tags, tags, r.Aborted);
        if (row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
    }

    public async Task DeleteObjectTaggingAsync(S3Request r)
    {
        var versionId = r.Query("versionId");
        var (_, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, versionId,
            versionId is null ? S3Action.DeleteObjectTagging : S3Action.DeleteObjectVersionTagging, r.Aborted);
        await store.SetObjectFieldAsync(row.Bucket, row.Key, row.VersionId, ObjectField.Tags, null, r.Aborted);
        r.Response.StatusCode = 204;
    }

    private async Task ClearAsync(S3Request r, string action, BucketField field)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config(action), r.Aborted);
        await store.SetBucketFieldAsync(bucket.Name, field, null, r.Aborted);
        r.Response.StatusCode = 204;
    }

    private static async Task<List<KeyValuePair<string, string>>> ReadTagsAsync(S3Request r)
    {
        var xml = await S3Xml.ReadAsync(r);
        if (xml.Name.LocalName != "Tagging" || xml.Children("TagSet").FirstOrDefault() is not { } set)
            throw S3Errors.MalformedXml();
        return set.Children("Tag").Select(t => new KeyValuePair<string, string>(t.Child("Key") ?? throw S3Errors.MalformedXml(), t.Child("Value") ?? throw S3Errors.MalformedXml())).ToList();
    }

    private static Task WriteTagsAsync(S3Request r, IReadOnlyList<KeyValuePair<string, string>> tags) =>
        S3Xml.WriteAsync(r.Response, "Tagging", w =>
        {
            w.WriteStartElement("TagSet", S3Xml.Namespace);
            foreach (var (key, value) in tags)
            {
                w.WriteStartElement("Tag", S3Xml.Namespace);
                w.Element("Key", key);
                w.Element("Value", value);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
}
