using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Every Owner, Initiator and CanonicalUser grantee carries the account's name as DisplayName (ListBuckets, ListObjects
/// v1 and v2 with FetchOwner, ListObjectVersions, ListMultipartUploads, ListParts, ACLs), and the canned ACLs
/// bucket-owner-read and bucket-owner-full-control grant the bucket's owner by canonical id.
/// </summary>
public abstract class OwnerDisplayNameTests(WalrusFixture f)
{
    [Fact]
    public async Task Owners_and_initiators_carry_the_account_name()
    {
        var alice = await f.AccountAsync("alice");
        var bucket = await f.AliceBucketAsync("dn");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "v");

        var buckets = await f.AliceS3.ListBucketsAsync();
        Assert.Equal(("alice", alice.CanonicalId), (buckets.Owner.DisplayName, buckets.Owner.Id));

        var v1 = Assert.Single((await f.AliceS3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket })).S3Objects);
        Assert.Equal(("alice", alice.CanonicalId), (v1.Owner.DisplayName, v1.Owner.Id));
        var v2 = Assert.Single((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true })).S3Objects);
        Assert.Equal(("alice", alice.CanonicalId), (v2.Owner.DisplayName, v2.Owner.Id));
        Assert.Null(Assert.Single((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects).Owner);
        var version = Assert.Single((await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions);
        Assert.Equal(("alice", alice.CanonicalId), (version.Owner.DisplayName, version.Owner.Id));

        var upload = await f.AliceS3.InitiateMultipartUploadAsync(bucket, "mp");
        var listed = Assert.Single((await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket })).MultipartUploads);
        Assert.Equal(("alice", "alice"), (listed.Owner.DisplayName, listed.Initiator.DisplayName));
        Assert.Equal((alice.CanonicalId, alice.CanonicalId), (listed.Owner.Id, listed.Initiator.Id));
        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mp", UploadId = upload.UploadId });
        Assert.Equal(("alice", "alice"), (parts.Owner.DisplayName, parts.Initiator.DisplayName));
        Assert.Equal(alice.CanonicalId, parts.Initiator.Id);

        var acl = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal("alice", acl.Owner.DisplayName);
        Assert.Equal("alice", Assert.Single(acl.Grants).Grantee.DisplayName);
        var bucketAcl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal("alice", bucketAcl.Owner.DisplayName);
    }

    [Theory]
    [InlineData("bucket-owner-read", "READ")]
    [InlineData("bucket-owner-full-control", "FULL_CONTROL")]
    public async Task Bucket_owner_canned_acls_grant_the_bucket_owner_by_id(string canned, string permission)
    {
        var alice = await f.AccountAsync("alice");
        var bob = await f.AccountAsync("bob");
        var bucket = await f.AliceBucketAsync("dn");
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite });
        await f.BobS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "b", CannedACL = new S3CannedACL(canned) });

        var acl = await f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(bob.CanonicalId, acl.Owner.Id);
        Assert.Equal(
            [(alice.CanonicalId, "alice", permission), (bob.CanonicalId, "bob", "FULL_CONTROL")],
            acl.Grants.Select(g => (g.Grantee.CanonicalUser, g.Grantee.DisplayName, g.Permission.Value)).OrderBy(g => g.Item2));
        Assert.Equal("b", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        // On a bucket (or when the writer owns the bucket) the bucket owner is the writer: just its FULL_CONTROL.
        var own = await f.AliceBucketAsync("dn");
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = own, ACL = new S3CannedACL(canned) });
        var bucketAcl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = own });
        var grant = Assert.Single(bucketAcl.Grants);
        Assert.Equal((alice.CanonicalId, "FULL_CONTROL"), (grant.Grantee.CanonicalUser, grant.Permission.Value));
    }
}

public sealed class SqliteOwnerDisplayNameTests(SqliteWalrusFixture f) : OwnerDisplayNameTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresOwnerDisplayNameTests(PostgresWalrusFixture f) : OwnerDisplayNameTests(f), IClassFixture<PostgresWalrusFixture>;
