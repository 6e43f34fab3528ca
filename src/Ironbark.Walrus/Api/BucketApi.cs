using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>ListBuckets, CreateBucket, HeadBucket, DeleteBucket, GetBucketLocation.</summary>
public sealed class BucketApi(BucketService buckets, AclApi acls)
{
    public async Task ListBucketsAsync(S3Request r)
    {
        var list = await buckets.ListAsync(r.Caller, r.Aborted);
        var account = r.Caller.Account!;
        await S3Xml.WriteAsync(r.Response, "ListAllMyBucketsResult", w =>
        {
            w.WriteStartElement("Owner", S3Xml.Namespace);
            w.Element("ID", account.CanonicalId);
            w.Element("DisplayName", account.Name);
            w.WriteEndElement();
            w.WriteStartElement("Buckets", S3Xml.Namespace);
            foreach (var b in list)
            {
                w.WriteStartElement("Bucket", S3Xml.Namespace);
                w.Element("Name", b.Name);
                w.Element("CreationDate", S3Xml.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(b.CreatedMs)));
                w.WriteEndElement();
            }
            w.WriteEndElement();
        });
    }

    public async Task CreateBucketAsync(S3Request r)
    {
        // Who may create is known before the body is read: an anonymous caller costs nothing to refuse.
        var owner = r.Caller.Account?.CanonicalId ?? throw S3Errors.AccessDenied();
        string? region = null;
        var body = await r.ReadSmallBodyAsync(S3BodyLimits.CreateBucket);
        if (body.Length > 0)
        {
            var xml = S3Xml.Parse(body);
            if (xml.Name.LocalName != "CreateBucketConfiguration")
                throw S3Errors.MalformedXml();
            region = xml.Child("LocationConstraint");
        }
        var acl = await acls.AclFromHeadersAsync(r, owner, null);
        var ownership = OwnershipControlsApi.FromCreateRequest(r, acl, owner);
        var objectLock = r.Header("x-amz-bucket-object-lock-enabled") switch
        {
            null => false,
            var v when bool.TryParse(v, out var on) => on,
            var v => throw S3Errors.InvalidArgument("Invalid x-amz-bucket-object-lock-enabled header", "x-amz-bucket-object-lock-enabled", v),
        };
        await buckets.CreateAsync(r.Caller, r.Bucket, region, acl, r.Aborted, objectLock, ownership);
        r.Response.Headers.Location = "/" + r.Bucket;
        r.Response.StatusCode = 200;
    }

    public async Task HeadBucketAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.ListBucket, r.Aborted);
        r.Response.Headers["x-amz-bucket-region"] = bucket.Region;
        r.Response.StatusCode = 200;
    }

    public async Task DeleteBucketAsync(S3Request r)
    {
        await buckets.DeleteAsync(r.Caller, r.Bucket, r.Aborted);
        r.Response.StatusCode = 204;
    }

    public async Task GetLocationAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.GetBucketLocation, r.Aborted);
        // AWS answers an empty constraint for us-east-1; every other region is named.
        await S3Xml.WriteAsync(r.Response, "LocationConstraint", w =>
        {
            if (bucket.Region != "us-east-1")
                w.WriteString(bucket.Region);
        });
    }
}
