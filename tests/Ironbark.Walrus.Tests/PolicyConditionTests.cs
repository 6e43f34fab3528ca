using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Bucket policies with Conditions: each operator family, the missing-key rules, IfExists, set qualifiers and the context keys.</summary>
public abstract class PolicyConditionTests(WalrusFixture f)
{
    private async Task<string> BucketAsync(params string[] keys)
    {
        var bucket = WalrusFixture.NewBucketName("cond");
        await f.AliceS3.PutBucketAsync(bucket);
        foreach (var key in keys)
            await S3Expect.PutTextAsync(f.AliceS3, bucket, key, "body of " + key);
        return bucket;
    }

    private static string Policy(params object[] statements) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    private static Dictionary<string, object> When(string effect, object principal, object action, string resource, object condition) =>
        new() { ["Effect"] = effect, ["Principal"] = principal, ["Action"] = action, ["Resource"] = resource, ["Condition"] = condition };

    private Task PutPolicyAsync(string bucket, params object[] statements) =>
        f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = Policy(statements) });

    private async Task<HttpStatusCode> AnonymousGetAsync(string bucket, string key, Dictionary<string, string>? headers = null)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, null);
        using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/{key}", headers: headers);
        return response.StatusCode;
    }

    private static Dictionary<string, object> Op(string op, string key, object value) => new() { [op] = new Dictionary<string, object> { [key] = value } };

    [Fact]
    public async Task IpAddress_and_NotIpAddress_match_the_callers_address_in_IPv4_and_IPv6_ranges()
    {
        var inside = await BucketAsync("k");
        await PutPolicyAsync(inside, When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{inside}/*",
            Op("IpAddress", "aws:SourceIp", new[] { "10.0.0.0/8", "127.0.0.0/8", "::1/128" })));
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(inside, "k"));

        var outside = await BucketAsync("k");
        await PutPolicyAsync(outside, When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{outside}/*", Op("IpAddress", "aws:SourceIp", "192.0.2.0/24")));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(outside, "k"));

        // A Deny for everyone but 192.0.2.0/24 locks out even the owner.
        var locked = await BucketAsync("k");
        await PutPolicyAsync(locked, When("Deny", "*", "s3:GetObject", $"arn:aws:s3:::{locked}/*", Op("NotIpAddress", "aws:SourceIp", "192.0.2.0/24")));
        await S3Expect.DeniedAsync(() => f.AliceS3.GetObjectAsync(locked, "k"));
        Assert.Equal("k", (await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = locked })).S3Objects.Single().Key);
    }

    [Fact]
    public async Task StringLike_on_the_Referer_and_StringNotLike_on_the_User_Agent()
    {
        var bucket = await BucketAsync("k");
        await PutPolicyAsync(bucket,
            When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringLike", "aws:Referer", new[] { "http://www.example.com/*", "https://example.org/?" })),
            When("Deny", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringLike", "aws:UserAgent", "bad-bot*")));
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "http://www.example.com/page" }));
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "https://example.org/x" }));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "https://example.org/xy" }));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "http://WWW.EXAMPLE.COM/page" }));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "http://www.example.com/page", ["User-Agent"] = "bad-bot/1.0" }));
    }

    [Fact]
    public async Task A_negated_operator_holds_when_the_key_is_missing_and_IfExists_lets_a_missing_key_pass()
    {
        var bucket = await BucketAsync();
        // Deny any PUT whose x-amz-acl is not "private": a PUT without the header is denied too.
        await PutPolicyAsync(bucket, When("Deny", "*", "s3:PutObject", $"arn:aws:s3:::{bucket}/*", Op("StringNotEquals", "s3:x-amz-acl", "private")));
        await S3Expect.DeniedAsync(() => S3Expect.PutTextAsync(f.AliceS3, bucket, "plain", "x"));
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "private", ContentBody = "x", CannedACL = S3CannedACL.Private });
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "pub", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));

        // IfExists: a missing key makes the condition true, so an Allow with it lets a PUT without x-amz-acl through.
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket, When("Allow", new { AWS = bob.Id }, "s3:PutObject", $"arn:aws:s3:::{bucket}/*", Op("StringEqualsIfExists", "s3:x-amz-acl", "private")));
        await S3Expect.PutTextAsync(f.BobS3, bucket, "plain", "x");
        await S3Expect.DeniedAsync(() => f.BobS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "pub", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        var keys = (await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key);
        Assert.Equal(["plain", "private"], keys);
    }

    [Fact]
    public async Task Null_tells_a_present_key_from_a_missing_one()
    {
        var bucket = await BucketAsync("k");
        await PutPolicyAsync(bucket, When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("Null", "aws:Referer", "true")));
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k", new() { ["Referer"] = "http://x/" }));
    }

    [Fact]
    public async Task Prefix_and_max_keys_conditions_on_ListBucket_with_several_operators_combined_by_AND()
    {
        var bucket = await BucketAsync("home/bob/a", "home/carol/b");
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket, When("Allow", new { AWS = bob.Id }, "s3:ListBucket", $"arn:aws:s3:::{bucket}", new Dictionary<string, object>
        {
            ["StringLike"] = new Dictionary<string, object> { ["s3:prefix"] = "home/bob/*" },
            ["NumericLessThanEquals"] = new Dictionary<string, object> { ["s3:max-keys"] = 100 },
        }));
        var listed = await f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "home/bob/", MaxKeys = 10 });
        Assert.Equal("home/bob/a", listed.S3Objects.Single().Key);
        await S3Expect.DeniedAsync(() => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "home/carol/", MaxKeys = 10 }));
        await S3Expect.DeniedAsync(() => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "home/bob/", MaxKeys = 500 }));
        await S3Expect.DeniedAsync(() => f.BobS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
    }

    [Fact]
    public async Task ExistingObjectTag_reads_the_tags_of_the_object_the_request_addresses()
    {
        var bucket = await BucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "o", TagSet = [new Tag { Key = "class", Value = "public" }] });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "closed", ContentBody = "c", TagSet = [new Tag { Key = "class", Value = "secret" }] });
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "untagged", "u");
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket, When("Allow", new { AWS = bob.Id }, "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringEquals", "s3:ExistingObjectTag/class", "public")));
        Assert.Equal("o", await S3Expect.ReadAsync(f.BobS3, bucket, "open"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "closed"));
        await S3Expect.DeniedAsync(() => f.BobS3.GetObjectAsync(bucket, "untagged"));
    }

    [Fact]
    public async Task RequestObjectTagKeys_with_ForAllValues_and_ForAnyValue()
    {
        var bucket = await BucketAsync();
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket,
            When("Allow", new { AWS = bob.Id }, "s3:PutObject", $"arn:aws:s3:::{bucket}/all/*", Op("ForAllValues:StringEquals", "s3:RequestObjectTagKeys", new[] { "team", "project" })),
            When("Allow", new { AWS = bob.Id }, "s3:PutObject", $"arn:aws:s3:::{bucket}/any/*", Op("ForAnyValue:StringEquals", "s3:RequestObjectTagKeys", new[] { "team" })),
            When("Allow", new { AWS = bob.Id }, "s3:PutObject", $"arn:aws:s3:::{bucket}/tag/*", Op("StringEquals", "s3:RequestObjectTag/team", "storage")));
        Task Put(string key, params (string K, string V)[] tags) => f.BobS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, ContentBody = "x", TagSet = tags.Length == 0 ? null : tags.Select(t => new Tag { Key = t.K, Value = t.V }).ToList(),
        });
        await Put("all/1", ("team", "a"), ("project", "b"));
        await Put("all/none"); // ForAllValues holds for no values at all
        await S3Expect.DeniedAsync(() => Put("all/2", ("team", "a"), ("other", "b")));
        await Put("any/1", ("team", "a"), ("other", "b"));
        await S3Expect.DeniedAsync(() => Put("any/2", ("other", "b")));
        await S3Expect.DeniedAsync(() => Put("any/none"));
        await Put("tag/1", ("team", "storage"));
        await S3Expect.DeniedAsync(() => Put("tag/2", ("team", "compute")));
        var keys = (await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects.Select(o => o.Key);
        Assert.Equal(["all/1", "all/none", "any/1", "tag/1"], keys);
    }

    [Fact]
    public async Task Bool_on_SecureTransport_and_Date_and_Numeric_on_the_current_time()
    {
        var bucket = await BucketAsync("k");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        await PutPolicyAsync(bucket,
            When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", new Dictionary<string, object>
            {
                ["Bool"] = new Dictionary<string, object> { ["aws:SecureTransport"] = false },
                ["DateGreaterThan"] = new Dictionary<string, object> { ["aws:CurrentTime"] = "2020-01-01T00:00:00Z" },
                ["NumericGreaterThan"] = new Dictionary<string, object> { ["aws:EpochTime"] = now - 3600 },
            }));
        Assert.Equal(HttpStatusCode.OK, await AnonymousGetAsync(bucket, "k"));
        await PutPolicyAsync(bucket, When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("DateLessThan", "aws:CurrentTime", "2020-01-01")));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k"));
        await PutPolicyAsync(bucket, When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("Bool", "aws:SecureTransport", "true")));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k"));
    }

    [Fact]
    public async Task PrincipalAccount_and_the_signature_and_auth_type_of_the_request()
    {
        var bucket = await BucketAsync("k");
        var bob = await f.AccountAsync("bob");
        await PutPolicyAsync(bucket,
            When("Allow", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringEquals", "aws:PrincipalAccount", bob.Id)),
            When("Deny", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringEquals", "s3:authType", "REST-QUERY-STRING")),
            When("Deny", "*", "s3:GetObject", $"arn:aws:s3:::{bucket}/*", Op("StringNotEquals", "s3:signatureversion", "AWS4-HMAC-SHA256")));
        Assert.Equal("body of k", await S3Expect.ReadAsync(f.BobS3, bucket, "k"));
        Assert.Equal(HttpStatusCode.Forbidden, await AnonymousGetAsync(bucket, "k"));
        var url = f.BobS3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = "k", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await http.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("{\"StringEqualz\":{\"aws:Referer\":\"x\"}}")]
    [InlineData("{\"StringEquals\":{\"aws:NoSuchKey\":\"x\"}}")]
    [InlineData("{\"StringEquals\":{\"s3:no-such-key\":\"x\"}}")]
    [InlineData("{\"IpAddress\":{\"aws:SourceIp\":\"not-an-address\"}}")]
    [InlineData("{\"IpAddress\":{\"aws:SourceIp\":\"10.0.0.0/33\"}}")]
    [InlineData("{\"DateGreaterThan\":{\"aws:CurrentTime\":\"yesterday\"}}")]
    [InlineData("{\"NumericLessThan\":{\"s3:max-keys\":\"ten\"}}")]
    [InlineData("{\"Bool\":{\"aws:SecureTransport\":\"maybe\"}}")]
    [InlineData("{\"NullIfExists\":{\"aws:Referer\":\"true\"}}")]
    [InlineData("\"StringEquals\"")]
    public async Task A_condition_AWS_rejects_is_MalformedPolicy_and_not_stored(string condition)
    {
        var bucket = await BucketAsync("k");
        var policy = $"{{\"Version\":\"2012-10-17\",\"Statement\":[{{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::{bucket}/*\",\"Condition\":{condition}}}]}}";
        await S3Expect.ErrorAsync("MalformedPolicy", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy }));
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("policy", null)]);
        await S3Expect.RawErrorAsync(response, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
    }
}

public sealed class SqlitePolicyConditionTests(SqliteWalrusFixture f) : PolicyConditionTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresPolicyConditionTests(PostgresWalrusFixture f) : PolicyConditionTests(f), IClassFixture<PostgresWalrusFixture>;
