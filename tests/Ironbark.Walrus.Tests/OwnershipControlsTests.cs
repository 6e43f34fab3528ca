using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Bucket ownership controls: Put/Get/DeleteBucketOwnershipControls and x-amz-object-ownership on CreateBucket, and what
/// each setting means: BucketOwnerEnforced disables ACLs (AccessControlListNotSupported, the bucket owner owns every object),
/// BucketOwnerPreferred gives the bucket owner objects written with bucket-owner-full-control, ObjectWriter keeps the writer.
/// </summary>
public abstract class OwnershipControlsTests(WalrusFixture f)
{
    private async Task<string> BucketAsync(ObjectOwnership? ownership = null)
    {
        var bucket = WalrusFixture.NewBucketName("own");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectOwnership = ownership });
        // Bob may write objects (a policy: with ACLs disabled, grants would not count).
        var bob = (await f.AccountAsync("bob")).CanonicalId;
        await f.AliceS3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"{{bob}}"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        return bucket;
    }

    private async Task<string?> OwnershipAsync(string bucket)
    {
        try
        {
            var rules = (await f.AliceS3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket })).OwnershipControls.Rules;
            return Assert.Single(rules).ObjectOwnership.Value;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "OwnershipControlsNotFoundError" && e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task PutOwnershipAsync(string bucket, ObjectOwnership ownership, IAmazonS3? client = null) =>
        (client ?? f.AliceS3).PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket, OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ownership }] },
        });

    private async Task<string> OwnerAsync(string bucket, string key) =>
        Assert.Single((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = key, FetchOwner = true })).S3Objects).Owner.Id;

    private Task BobPutAsync(string bucket, string key, S3CannedACL? acl = null) =>
        f.BobS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "by bob", CannedACL = acl });

    [Fact]
    public async Task Ownership_controls_round_trip_and_are_deleted()
    {
        var bucket = await BucketAsync();
        Assert.Null(await OwnershipAsync(bucket));
        foreach (var ownership in new[] { ObjectOwnership.BucketOwnerPreferred, ObjectOwnership.ObjectWriter, ObjectOwnership.BucketOwnerEnforced })
        {
            await PutOwnershipAsync(bucket, ownership);
            Assert.Equal(ownership.Value, await OwnershipAsync(bucket));
        }
        await S3Expect.DeniedAsync(() => PutOwnershipAsync(bucket, ObjectOwnership.ObjectWriter, f.BobS3));
        await S3Expect.DeniedAsync(() => f.BobS3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket }));
        Assert.Equal("BucketOwnerEnforced", await OwnershipAsync(bucket));
        await f.AliceS3.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket });
        Assert.Null(await OwnershipAsync(bucket));
    }

    [Theory]
    [InlineData("<OwnershipControls><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>")]
    [InlineData("<OwnershipControls/>")]
    [InlineData("<OwnershipControls><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></OwnershipControls>")]
    [InlineData("<Ownership><Rule><ObjectOwnership>ObjectWriter</ObjectOwnership></Rule></Ownership>")]
    public async Task Malformed_ownership_controls_are_refused_and_the_old_setting_stays(string xml)
    {
        var bucket = await BucketAsync(ObjectOwnership.BucketOwnerPreferred);
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Put, "/" + bucket, [("ownershipControls", null)], Encoding.UTF8.GetBytes(xml));
        await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        Assert.Equal("BucketOwnerPreferred", await OwnershipAsync(bucket));
    }

    [Fact]
    public async Task CreateBucket_takes_the_ownership_header_and_refuses_a_bad_one()
    {
        var bucket = await BucketAsync(ObjectOwnership.BucketOwnerEnforced);
        Assert.Equal("BucketOwnerEnforced", await OwnershipAsync(bucket));

        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        var bad = WalrusFixture.NewBucketName("own");
        using (var response = await raw.SendAsync(HttpMethod.Put, "/" + bad, headers: new Dictionary<string, string> { ["x-amz-object-ownership"] = "Everyone" }))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        using (var response = await raw.SendAsync(HttpMethod.Put, "/" + bad, headers: new Dictionary<string, string>
                   { ["x-amz-object-ownership"] = "BucketOwnerEnforced", ["x-amz-acl"] = "public-read" }))
            await S3Assert.ErrorAsync(response, "InvalidBucketAclWithObjectOwnership", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () => f.AliceS3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bad }));
    }

    [Fact]
    public async Task Bucket_owner_enforced_disables_acls()
    {
        var bucket = await BucketAsync(ObjectOwnership.BucketOwnerEnforced);
        var alice = (await f.AccountAsync("alice")).CanonicalId;

        await S3Assert.FailsAsync("AccessControlListNotSupported", HttpStatusCode.BadRequest, () => BobPutAsync(bucket, "public", S3CannedACL.PublicRead));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "public"));
        // The ACLs that say "owner full control" are accepted; the bucket owner owns what bob writes.
        await BobPutAsync(bucket, "full", S3CannedACL.BucketOwnerFullControl);
        await BobPutAsync(bucket, "plain");
        Assert.Equal(alice, await OwnerAsync(bucket, "full"));
        Assert.Equal(alice, await OwnerAsync(bucket, "plain"));
        var acl = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "full" });
        Assert.Equal(alice, acl.Owner.Id);
        Assert.Equal([(alice, "FULL_CONTROL")], acl.Grants.Select(g => (g.Grantee.CanonicalUser, g.Permission.Value)));
        // Bob wrote it but does not own it: he may not read it back.
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "plain"));

        await S3Assert.FailsAsync("AccessControlListNotSupported", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest
            { BucketName = bucket, Key = "plain", ACL = S3CannedACL.PublicRead }));
        await S3Assert.FailsAsync("AccessControlListNotSupported", HttpStatusCode.BadRequest, () => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest
            { BucketName = bucket, ACL = S3CannedACL.PublicRead }));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "plain"));
        var bucketAcl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal([(alice, "FULL_CONTROL")], bucketAcl.Grants.Select(g => (g.Grantee.CanonicalUser, g.Permission.Value)));
        // The owner-only ACL itself is still accepted.
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
    }

    [Fact]
    public async Task Enforcing_bucket_ownership_ignores_grants_made_before_and_needs_an_owner_only_bucket_acl()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "public", CannedACL = S3CannedACL.PublicRead });
        Assert.Equal("public", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicRead });
        await S3Assert.FailsAsync("InvalidBucketAclWithObjectOwnership", HttpStatusCode.BadRequest,
            () => PutOwnershipAsync(bucket, ObjectOwnership.BucketOwnerEnforced));
        Assert.Null(await OwnershipAsync(bucket));

        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
        await PutOwnershipAsync(bucket, ObjectOwnership.BucketOwnerEnforced);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
        // Back to ObjectWriter: the stored grants count again.
        await PutOwnershipAsync(bucket, ObjectOwnership.ObjectWriter);
        Assert.Equal("public", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
    }

    [Fact]
    public async Task Bucket_owner_preferred_takes_objects_written_with_bucket_owner_full_control()
    {
        var bucket = await BucketAsync(ObjectOwnership.BucketOwnerPreferred);
        var (alice, bob) = ((await f.AccountAsync("alice")).CanonicalId, (await f.AccountAsync("bob")).CanonicalId);
        await BobPutAsync(bucket, "given", S3CannedACL.BucketOwnerFullControl);
        await BobPutAsync(bucket, "kept");
        Assert.Equal(alice, await OwnerAsync(bucket, "given"));
        Assert.Equal(bob, await OwnerAsync(bucket, "kept"));
        // ACLs still work under BucketOwnerPreferred.
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "given", ACL = S3CannedACL.PublicRead });
        Assert.Equal("by bob", await S3Expect.ReadAsync(f.Anonymous, bucket, "given"));
    }

    [Fact]
    public async Task Object_writer_keeps_the_writer_as_owner()
    {
        var bucket = await BucketAsync(ObjectOwnership.ObjectWriter);
        var bob = (await f.AccountAsync("bob")).CanonicalId;
        await BobPutAsync(bucket, "given", S3CannedACL.BucketOwnerFullControl);
        Assert.Equal(bob, await OwnerAsync(bucket, "given"));
    }

    [Fact]
    public async Task Boto3_uses_ownership_controls()
    {
        var bucket = WalrusFixture.NewBucketName("ownpy");
        await f.RunBoto3ScriptAsync("boto3_ownership.py", bucket);
    }
}

public sealed class SqliteOwnershipControlsTests(SqliteWalrusFixture f) : OwnershipControlsTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresOwnershipControlsTests(PostgresWalrusFixture f) : OwnershipControlsTests(f), IClassFixture<PostgresWalrusFixture>;
