using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Bucket policies that require encryption (the user guide's "require SSE" policy on s3:x-amz-server-side-encryption),
/// Object Lock keys in conditions, and a Resource naming another bucket.
/// </summary>
public abstract class EncryptionPolicyTests(WalrusFixture f)
{
    private static string Policy(params object[] statements) =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["Version"] = "2012-10-17", ["Statement"] = statements });

    private static Dictionary<string, object> Deny(string bucket, string op, string key, object value) => new()
    {
        ["Effect"] = "Deny", ["Principal"] = "*", ["Action"] = "s3:PutObject", ["Resource"] = $"arn:aws:s3:::{bucket}/*",
        ["Condition"] = new Dictionary<string, object> { [op] = new Dictionary<string, object> { [key] = value } },
    };

    private async Task<string> BucketWithPolicyAsync(params Func<string, object>[] statements)
    {
        var bucket = WalrusFixture.NewBucketName("sse-pol");
        await f.AliceS3.PutBucketAsync(bucket);
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = Policy([.. statements.Select(s => s(bucket))]) });
        return bucket;
    }

    private async Task<bool> ExistsAsync(string bucket, string key)
    {
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = key });
        return (listed.S3Objects ?? []).Any(o => o.Key == key);
    }

    [Fact]
    public async Task A_policy_requiring_SSE_S3_refuses_a_put_without_it_or_with_another_method_and_takes_one_with_it()
    {
        var bucket = await BucketWithPolicyAsync(
            b => Deny(b, "StringNotEquals", "s3:x-amz-server-side-encryption", "AES256"),
            b => Deny(b, "Null", "s3:x-amz-server-side-encryption", "true"));

        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "p" }));
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "kms", ContentBody = "k", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }));
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "sealed", ContentBody = "s", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal("s", await S3Expect.ReadAsync(f.AliceS3, bucket, "sealed"));
        Assert.False(await ExistsAsync(bucket, "plain"));
        Assert.False(await ExistsAsync(bucket, "kms"));
    }

    [Fact]
    public async Task A_policy_requiring_a_legal_hold_header_reads_the_object_lock_keys()
    {
        var bucket = WalrusFixture.NewBucketName("lock-pol");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        await f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest
        {
            BucketName = bucket, Policy = Policy(Deny(bucket, "StringNotEqualsIfExists", "s3:object-lock-legal-hold", "ON")),
        });
        await S3Expect.DeniedAsync(() => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "off", ContentBody = "o", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.Off,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        }));
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "on", ContentBody = "o", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        Assert.False(await ExistsAsync(bucket, "off"));
        Assert.True(await ExistsAsync(bucket, "on"));
        var hold = await f.AliceS3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "on" });
        Assert.Equal(ObjectLockLegalHoldStatus.On, hold.LegalHold.Status);
    }

    [Fact]
    public async Task A_resource_in_another_bucket_is_MalformedPolicy_and_nothing_is_stored()
    {
        var bucket = WalrusFixture.NewBucketName("res-pol");
        await f.AliceS3.PutBucketAsync(bucket);
        var policy = Policy(new Dictionary<string, object>
        {
            ["Effect"] = "Allow", ["Principal"] = "*", ["Action"] = "s3:GetObject", ["Resource"] = "arn:aws:s3:::some-other-bucket/*",
        });
        var e = await S3Expect.ErrorAsync("MalformedPolicy", HttpStatusCode.BadRequest,
            () => f.AliceS3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = policy }));
        Assert.Contains("Policy has invalid resource", e.Message);
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("policy", null)]);
        await S3Expect.RawErrorAsync(response, HttpStatusCode.NotFound, "NoSuchBucketPolicy");
    }
}

public sealed class SqliteEncryptionPolicyTests(SqliteWalrusFixture f) : EncryptionPolicyTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresEncryptionPolicyTests(PostgresWalrusFixture f) : EncryptionPolicyTests(f), IClassFixture<PostgresWalrusFixture>;
