using System.Net;
using System.Text;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>Block Public Access on a bucket and GetBucketPolicyStatus.</summary>
public abstract class PublicAccessBlockTests(WalrusFixture f)
{
    private async Task<string> BucketAsync()
    {
        var bucket = WalrusFixture.NewBucketName("pab");
        await f.AliceS3.PutBucketAsync(bucket);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "body");
        return bucket;
    }

    private static string Policy(string bucket, object principal, object? condition = null)
    {
        var statement = new Dictionary<string, object> { ["Effect"] = "Allow", ["Principal"] = principal, ["Action"] = "s3:GetObject", ["Resource"] = $"arn:aws:s3:::{bucket}/*" };
        if (condition is not null)
            statement["Condition"] = condition;
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = new[] { statement } });
    }

    private Task PutBlockAsync(string bucket, bool acls = false, bool ignore = false, bool policy = false, bool restrict = false) =>
        f.AliceS3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = acls, IgnorePublicAcls = ignore, BlockPublicPolicy = policy, RestrictPublicBuckets = restrict,
            },
        });

    private async Task<HttpResponseMessage> RawAsync(HttpMethod method, string bucket, string subresource, string? body = null)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        return await raw.SendAsync(method, "/" + bucket, [(subresource, null)], body is null ? null : Encoding.UTF8.GetBytes(body));
    }

    [Fact]
    public async Task Put_get_and_delete_the_configuration_and_NoSuchPublicAccessBlockConfiguration_when_none()
    {
        var bucket = await BucketAsync();
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Get, bucket, "publicAccessBlock"), HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration");
        await PutBlockAsync(bucket, acls: true, restrict: true);
        var got = (await f.AliceS3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.True(got.BlockPublicAcls);
        Assert.False(got.IgnorePublicAcls);
        Assert.False(got.BlockPublicPolicy);
        Assert.True(got.RestrictPublicBuckets);
        await S3Expect.DeniedAsync(() => f.BobS3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));
        await f.AliceS3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Get, bucket, "publicAccessBlock"), HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration");
    }

    [Fact]
    public async Task SigV2_which_does_not_sign_these_sub_resources_is_refused_so_a_signature_cannot_be_replayed_on_them()
    {
        var bucket = await BucketAsync();
        using var raw = f.Raw(f.Alice);
        var body = "<PublicAccessBlockConfiguration><RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlockConfiguration>";
        using var put = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}?publicAccessBlock", Encoding.UTF8.GetBytes(body), resource: "/" + bucket));
        await S3Expect.RawErrorAsync(put, HttpStatusCode.BadRequest, "InvalidRequest");
        using var status = await raw.SendAsync(raw.SignV2(HttpMethod.Get, $"/{bucket}?policyStatus", resource: "/" + bucket));
        await S3Expect.RawErrorAsync(status, HttpStatusCode.BadRequest, "InvalidRequest");
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Get, bucket, "publicAccessBlock"), HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration");
    }

    [Theory]
    [InlineData("<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><BlockEverything>true</BlockEverything></PublicAccessBlockConfiguration>")]
    [InlineData("<Other><BlockPublicAcls>true</BlockPublicAcls></Other>")]
    [InlineData("<PublicAccessBlockConfiguration")]
    public async Task A_bad_configuration_is_MalformedXML_and_not_stored(string body)
    {
        var bucket = await BucketAsync();
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Put, bucket, "publicAccessBlock", body), HttpStatusCode.BadRequest, "MalformedXML");
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Get, bucket, "publicAccessBlock"), HttpStatusCode.NotFound, "NoSuchPublicAccessBlockConfiguration");
    }

    [Fact]
    public async Task Policy_status_says_whether_the_policy_is_public_by_AWSs_rules()
    {
        var bucket = await BucketAsync();
        await S3Expect.RawErrorAsync(await RawAsync(HttpMethod.Get, bucket, "policyStatus"), HttpStatusCode.NotFound, "NoSuchBucketPolicy");
        var bob = await f.AccountAsync("bob");
        async Task<bool?> IsPublic(string policy)
        {
            await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });
            return (await f.AliceS3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic;
        }
        Assert.True(await IsPublic(Policy(bucket, "*")));
        Assert.True(await IsPublic(Policy(bucket, new { AWS = "*" })));
        Assert.False(await IsPublic(Policy(bucket, new { AWS = bob.Id })));
        Assert.False(await IsPublic(Policy(bucket, "*", new { IpAddress = new Dictionary<string, object> { ["aws:SourceIp"] = "192.0.2.0/24" } })));
        Assert.True(await IsPublic(Policy(bucket, "*", new { IpAddress = new Dictionary<string, object> { ["aws:SourceIp"] = "0.0.0.0/0" } })));
        Assert.False(await IsPublic(Policy(bucket, "*", new { StringEquals = new Dictionary<string, object> { ["aws:PrincipalAccount"] = bob.Id } })));
        Assert.True(await IsPublic(Policy(bucket, "*", new { StringLike = new Dictionary<string, object> { ["aws:SourceArn"] = "arn:aws:sns:*" } })));
        Assert.True(await IsPublic(Policy(bucket, "*", new { StringEquals = new Dictionary<string, object> { ["aws:Referer"] = "http://example.com/" } })));
    }

    [Fact]
    public async Task BlockPublicPolicy_refuses_a_public_policy_and_keeps_the_old_one()
    {
        var bucket = await BucketAsync();
        var bob = await f.AccountAsync("bob");
        await PutBlockAsync(bucket, policy: true);
        var privatePolicy = Policy(bucket, new { AWS = bob.Id });
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = privatePolicy });
        await S3Expect.DeniedAsync(() => f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = Policy(bucket, "*") }));
        Assert.Equal(privatePolicy, (await f.AliceS3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task BlockPublicAcls_refuses_public_canned_ACLs_and_IgnorePublicAcls_ignores_public_grants()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "o", CannedACL = S3CannedACL.PublicRead });
        Assert.Equal("o", await S3Expect.ReadAsync(f.Anonymous, bucket, "open"));

        await PutBlockAsync(bucket, acls: true);
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "new", ContentBody = "n", CannedACL = S3CannedACL.PublicRead }));
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.AuthenticatedRead }));
        await S3Expect.DeniedAsync(() => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite }));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "new"));
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "new", ContentBody = "n", CannedACL = S3CannedACL.Private });
        Assert.Equal("o", await S3Expect.ReadAsync(f.Anonymous, bucket, "open")); // existing public grants still count

        await PutBlockAsync(bucket, ignore: true);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "open"));
        Assert.Equal("o", await S3Expect.ReadAsync(f.AliceS3, bucket, "open"));
        await f.AliceS3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        Assert.Equal("o", await S3Expect.ReadAsync(f.Anonymous, bucket, "open"));
    }

    [Fact]
    public async Task BlockPublicAcls_refuses_a_public_grant_sent_as_an_XML_body_and_keeps_the_ACL()
    {
        var bucket = await BucketAsync();
        await PutBlockAsync(bucket, acls: true);
        var before = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        var owner = before.Owner;
        var everyone = new S3Grant { Grantee = new S3Grantee { URI = "http://acs.amazonaws.com/groups/global/AllUsers" }, Permission = S3Permission.READ };
        var mine = new S3Grant { Grantee = new S3Grantee { CanonicalUser = owner.Id }, Permission = S3Permission.FULL_CONTROL };
        var policy = new S3AccessControlList { Owner = owner, Grants = [mine, everyone] };
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = policy }));
        await S3Expect.DeniedAsync(() => f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, AccessControlPolicy = policy }));
        var after = await f.AliceS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.DoesNotContain(after.Grants, g => g.Grantee.URI?.EndsWith("AllUsers", StringComparison.Ordinal) == true);
        var bucketAcl = await f.AliceS3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.DoesNotContain(bucketAcl.Grants, g => g.Grantee.URI?.EndsWith("AllUsers", StringComparison.Ordinal) == true);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));

        // A private ACL in a body still goes through.
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", AccessControlPolicy = new S3AccessControlList { Owner = owner, Grants = [mine] } });
    }

    [Fact]
    public async Task Boto3_conditions_public_access_block_and_policy_status()
    {
        var bucket = await BucketAsync();
        await f.RunBoto3ScriptAsync("boto3_policy.py", bucket);
    }

    [Fact]
    public async Task RestrictPublicBuckets_stops_a_public_policy_from_letting_others_in()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = Policy(bucket, "*") });
        Assert.Equal("body", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
        Assert.Equal("body", await S3Expect.ReadAsync(f.BobS3, bucket, "k"));
        await PutBlockAsync(bucket, restrict: true);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "k"));
        Assert.Equal("body", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        await f.AliceS3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        Assert.Equal("body", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
    }
}

public sealed class SqlitePublicAccessBlockTests(SqliteWalrusFixture f) : PublicAccessBlockTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresPublicAccessBlockTests(PostgresWalrusFixture f) : PublicAccessBlockTests(f), IClassFixture<PostgresWalrusFixture>;
