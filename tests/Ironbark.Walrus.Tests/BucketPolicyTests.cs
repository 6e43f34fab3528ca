using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Bucket policies: storing them, and how Allow and Deny statements combine with ownership and ACLs.</summary>
public abstract class BucketPolicyTests(WalrusFixture f)
{
    private async Task<string> BucketWithObjectsAsync(params string[] keys)
    {
        var bucket = WalrusFixture.NewBucketName("pol");
        await f.AliceS3.PutBucketAsync(bucket);
        foreach (var key in keys)
            await S3Expect.PutTextAsync(f.AliceS3, bucket, key, "body of " + key);
        return bucket;
    }

    private static string Policy(params object[] statements) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    private static Dictionary<string, object> Statement(string effect, object principal, object action, object resource) =>
        new() { ["Effect"] = effect, ["Principal"] = principal, ["Action"] = action, ["Resource"] = resource };

    private Task PutPolicyAsync(string bucket, string policy) =>
        f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy });

    /// <summary>GET ?policy answers 404 NoSuchBucketPolicy (raw: AWSSDK.S3 4.1 returns that 404 as a success with the error as the policy).</summary>
    private async Task AssertNoPolicyAsync(string bucket)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("policy", null)]);
        await S3Expect.RawErrorAsync(response, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
    }

    [Fact]
    public async Task Allow_for_bobs_account_lets_bob_read_objects_and_nothing_more()
    {
        var bucket = await BucketWithObjectsAsync("a.txt", "dir/b.txt");
        var bob = await f.AccountAsync("bob");
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "a.txt"));

        await PutPolicyAsync(bucket, Policy(Statement("Allow", new { AWS = $"arn:aws:iam::{bob.Id}:root" }, "s3:GetObject", $"arn:aws:s3:::{bucket}/*")));

        Assert.Equal("body of a.txt", await S3Expect.ReadAsync(f.BobS3, bucket, "a.txt"));
        Assert.Equal("body of dir/b.txt", await S3Expect.ReadAsync(f.BobS3, bucket, "dir/b.txt"));
        await S3Expect.DeniedAsync(() => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.BobS3, bucket, "a.txt", "bob"));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteObjectAsync(bucket, "a.txt"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "a.txt" }));
        await S3Expect.DeniedAsync(() => f.BobS3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = bucket, Policy = Policy(Statement("Allow", "*", "s3:*", $"arn:aws:s3:::{bucket}/*")),
        }));
        // A missing key: without s3:ListBucket, bob learns nothing about it.
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "missing"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "a.txt"));
    }

    [Fact]
    public async Task Allow_by_account_id_or_canonical_id_on_a_prefix_and_on_the_bucket()
    {
        var bucket = await BucketWithObjectsAsync("public/x", "private/y");
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket, Policy(
            Statement("Allow", new { AWS = new[] { bob.Id } }, new[] { "s3:PutObject", "s3:GetObject" }, $"arn:aws:s3:::{bucket}/public/*"),
            Statement("Allow", new { CanonicalUser = bob.CanonicalId }, "s3:ListBucket", $"arn:aws:s3:::{bucket}")));

        var listed = await f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["private/y", "public/x"], listed.S3Objects.Select(o => o.Key));
        await S3Expect.PutTextAsync(f.BobS3, bucket, "public/from-bob", "hi");
        Assert.Equal("hi", await S3Expect.ReadAsync(f.BobS3, bucket, "public/from-bob"));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.BobS3, bucket, "private/from-bob", "no"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "private/y"));
        // With s3:ListBucket granted, a missing key is reported as missing.
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.BobS3.GetObjectAsync(bucket, "public/missing"));
    }

    [Fact]
    public async Task Explicit_deny_beats_the_owner_and_public_acls()
    {
        var bucket = await BucketWithObjectsAsync("open", "secret/plans");
        await f.AliceS3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "secret/plans", ACL = S3CannedACL.PublicRead });
        await PutPolicyAsync(bucket, Policy(
            Statement("Deny", "*", new[] { "s3:GetObject", "s3:DeleteObject" }, $"arn:aws:s3:::{bucket}/secret/*"),
            Statement("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*")));

        await S3Expect.DeniedAsync(() => f.AliceS3.GetObjectAsync(bucket, "secret/plans"));
        await S3Expect.DeniedAsync(() => f.AliceS3.DeleteObjectAsync(bucket, "secret/plans"));
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "secret/plans"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "secret/plans"));
        Assert.Equal("body of open", await S3Expect.ReadAsync(f.AliceS3, bucket, "open"));
        Assert.Equal("body of open", await S3Expect.ReadAsync(f.Anonymous, bucket, "open"));
        // The owner can still manage the policy and, once the Deny is gone, read again.
        await f.AliceS3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        Assert.Equal("body of secret/plans", await S3Expect.ReadAsync(f.AliceS3, bucket, "secret/plans"));
    }

    [Fact]
    public async Task Deny_for_one_account_leaves_others_alone()
    {
        var bucket = await BucketWithObjectsAsync("k");
        var bob = await f.AccountAsync("bob");
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.AuthenticatedRead });
        await PutPolicyAsync(bucket, Policy(Statement("Deny", new { AWS = $"arn:aws:iam::{bob.Id}:root" }, "s3:ListBucket", $"arn:aws:s3:::{bucket}")));
        await S3Expect.DeniedAsync(() => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        Assert.Single((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);
    }

    [Fact]
    public async Task Public_read_policy_lets_anonymous_read()
    {
        var bucket = await BucketWithObjectsAsync("index.html");
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "index.html"));
        await PutPolicyAsync(bucket, Policy(Statement("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*")));
        Assert.Equal("body of index.html", await S3Expect.ReadAsync(f.Anonymous, bucket, "index.html"));
        Assert.Equal("body of index.html", await S3Expect.ReadAsync(f.BobS3, bucket, "index.html"));
        await S3Expect.DeniedAsync(() => f.Anonymous.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.Anonymous, bucket, "index.html", "defaced"));
    }

    [Fact]
    public async Task Get_and_delete_policy_round_trip()
    {
        var bucket = await BucketWithObjectsAsync();
        await AssertNoPolicyAsync(bucket);

        var policy = Policy(Statement("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*"));
        await PutPolicyAsync(bucket, policy);
        var got = await f.AliceS3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket });
        Assert.Equal(policy, got.Policy);

        await f.AliceS3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket });
        await AssertNoPolicyAsync(bucket);
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var missing = await raw.SendAsync(HttpMethod.Get, "/" + WalrusFixture.NewBucketName("none"), [("policy", null)]);
        await S3Expect.RawErrorAsync(missing, HttpStatusCode.NotFound, "NoSuchBucket");
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",")]
    [InlineData("{\"Version\":\"2012-10-17\"}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Perhaps\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::BUCKET/*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::other-bucket/*\"}]}")]
    [InlineData("{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::BUCKET-other/*\"}]}")]
    public async Task A_policy_that_is_not_valid_is_MalformedPolicy_and_not_stored(string policy)
    {
        var bucket = await BucketWithObjectsAsync("k");
        await S3Expect.ErrorAsync("MalformedPolicy", HttpStatusCode.BadRequest, () => PutPolicyAsync(bucket, policy.Replace("BUCKET", bucket)));
        await AssertNoPolicyAsync(bucket);
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));
    }
}

public sealed class SqliteBucketPolicyTests(SqliteWalrusFixture f) : BucketPolicyTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBucketPolicyTests(PostgresWalrusFixture f) : BucketPolicyTests(f), IClassFixture<PostgresWalrusFixture>;
