using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Block Public Access on a bucket (?publicAccessBlock) and whether its policy is public (?policyStatus).</summary>
public sealed class PublicAccessApi(BucketService buckets, WalrusStore store)
{
    public async Task GetAsync(S3Request r)
    {
        SigV4OnlySelectors.Require(r);
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketPublicAccessBlock"), r.Aborted);
        if (bucket.PublicAccessBlock is null)
            throw S3Errors.NoSuchConfiguration("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found");
        var block = PublicAccessBlock.FromJson(bucket.PublicAccessBlock);
        await S3Xml.WriteAsync(r.Response, "PublicAccessBlockConfiguration", w =>
        {
            w.Element("BlockPublicAcls", Bool(block.BlockPublicAcls));
            w.Element("IgnorePublicAcls", Bool(block.IgnorePublicAcls));
            w.Element("BlockPublicPolicy", Bool(block.BlockPublicPolicy));
            w.Element("RestrictPublicBuckets", Bool(block.RestrictPublicBuckets));
        });
    }

    public async Task PutAsync(S3Request r)
    {
        SigV4OnlySelectors.Require(r);
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketPublicAccessBlock"), r.Aborted);
        var block = PublicAccessBlock.FromXml(await S3Xml.ReadAsync(r));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.PublicAccessBlock, block.ToJson(), r.Aborted);
    }

    public async Task DeleteAsync(S3Request r)
    {
        SigV4OnlySelectors.Require(r);
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutBucketPublicAccessBlock"), r.Aborted);
        await store.SetBucketFieldAsync(bucket.Name, BucketField.PublicAccessBlock, null, r.Aborted);
        r.Response.StatusCode = 204;
    }

    public async Task GetPolicyStatusAsync(S3Request r)
    {
        SigV4OnlySelectors.Require(r);
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetBucketPolicyStatus"), r.Aborted);
        if (bucket.Policy is null)
            throw S3Errors.NoSuchConfiguration("NoSuchBucketPolicy", "The bucket policy does not exist");
        var isPublic = BucketPolicy.Parse(bucket.Policy).IsPublic;
        await S3Xml.WriteAsync(r.Response, "PolicyStatus", w => w.Element("IsPublic", Bool(isPublic)));
    }

    /// <summary>BlockPublicPolicy: a PutBucketPolicy with a public policy is refused.</summary>
    public static void CheckPolicyAllowed(BucketRow bucket, BucketPolicy policy)
    {
        if (PublicAccessBlock.FromJson(bucket.PublicAccessBlock).BlockPublicPolicy && policy.IsPublic)
            throw S3Errors.AccessDenied();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}
