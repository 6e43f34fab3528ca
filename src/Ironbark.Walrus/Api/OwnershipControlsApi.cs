using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Get/Put/DeleteBucketOwnershipControls (buckets.ownership) and x-amz-object-ownership on CreateBucket.</summary>
public sealed class OwnershipControlsApi(BucketService buckets, WalrusStore store)
{
    public const string CreateHeader = "x-amz-object-ownership";

    public async Task GetAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketOwnershipControls"), r.Aborted);
        var ownership = bucket.Ownership ?? throw S3Errors.NoSuchConfiguration("OwnershipControlsNotFoundError",
            "The bucket ownership controls were not found").With("BucketName", bucket.Name);
        await S3Xml.WriteAsync(r.Response, "OwnershipControls", w =>
        {
            w.WriteStartElement("Rule", S3Xml.Namespace);
            w.Element("ObjectOwnership", ownership);
            w.WriteEndElement();
        });
    }

    public async Task PutAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketOwnershipControls"), r.Aborted);
        var xml = await S3Xml.ReadAsync(r);
        var rules = xml.Name.LocalName == "OwnershipControls" ? xml.Children("Rule").ToList() : [];
        var ownership = rules.Count == 1 ? rules[0].Child("ObjectOwnership") : null;
        if (!ObjectOwnership.IsSetting(ownership))
            throw S3Errors.MalformedXml();
        if (ownership == ObjectOwnership.BucketOwnerEnforced)
            RequireOwnerOnlyAcl(AccessControlList.FromJson(bucket.Acl), bucket.OwnerCanonical);
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Ownership, ownership, r.Aborted);
        r.Response.StatusCode = 200;
    }

    public async Task DeleteAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketOwnershipControls"), r.Aborted);
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Ownership, null, r.Aborted);
        r.Response.StatusCode = 204;
    }

    /// <summary>The x-amz-object-ownership of a CreateBucket; null when it sends none. An unknown value is InvalidArgument.</summary>
    public static string? FromCreateRequest(S3Request r, AccessControlList? acl, string owner)
    {
        var ownership = r.Header(CreateHeader);
        if (ownership is null)
            return null;
        if (!ObjectOwnership.IsSetting(ownership))
            throw S3Errors.InvalidArgument("Invalid x-amz-object-ownership header", CreateHeader, ownership);
        if (ownership == ObjectOwnership.BucketOwnerEnforced && acl is not null)
            RequireOwnerOnlyAcl(acl, owner);
        return ownership;
    }

    /// <summary>AWS refuses to disable ACLs on a bucket whose own ACL grants anyone but its owner.</summary>
    private static void RequireOwnerOnlyAcl(AccessControlList acl, string owner)
    {
        if (!ObjectOwnership.IsOwnerFullControl(acl, owner))
            throw new WalrusException("InvalidBucketAclWithObjectOwnership", 400,
                "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting");
    }
}
