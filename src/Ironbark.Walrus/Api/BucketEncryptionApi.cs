using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Put, Get and DeleteBucketEncryption: a bucket's default encryption, kept in buckets.encryption.</summary>
public sealed class BucketEncryptionApi(BucketService buckets, WalrusStore store)
{
    public async Task PutAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutEncryptionConfiguration"), r.Aborted);
        var configuration = BucketEncryption.FromXml(await S3Xml.ReadAsync(r));
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Encryption, configuration.ToJson(), r.Aborted);
    }

    public async Task GetAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:GetEncryptionConfiguration"), r.Aborted);
        var configuration = BucketEncryption.FromJson(bucket.Encryption)
            ?? throw S3Errors.NoSuchConfiguration("ServerSideEncryptionConfigurationNotFoundError", "The server side encryption configuration was not found")
                .With("BucketName", r.Bucket);
        await S3Xml.WriteAsync(r.Response, "ServerSideEncryptionConfiguration", configuration.WriteXml);
    }

    public async Task DeleteAsync(S3Request r)
    {
        var bucket = await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.Config("s3:PutEncryptionConfiguration"), r.Aborted);
        await store.SetBucketFieldAsync(bucket.Name, BucketField.Encryption, null, r.Aborted);
        r.Response.StatusCode = 204;
    }
}
