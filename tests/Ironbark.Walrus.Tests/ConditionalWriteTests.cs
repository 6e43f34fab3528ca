using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Conditional writes: PutObject and CompleteMultipartUpload with If-None-Match: * and If-Match: "etag".</summary>
public abstract class ConditionalWriteTests(WalrusFixture f)
{
    private Task<PutObjectResponse> PutAsync(string bucket, string key, string body, string? ifNoneMatch = null, string? ifMatch = null) =>
        f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body, IfNoneMatch = ifNoneMatch, IfMatch = ifMatch });

    private int BlobCount() => Directory.EnumerateFiles(Path.Combine(f.Host.DataDir, "walrus", "blobs"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task If_none_match_star_creates_a_key_only_once()
    {
        var bucket = await f.AliceBucketAsync("cw");
        await PutAsync(bucket, "k", "first", ifNoneMatch: "*");
        var blobs = BlobCount();

        await S3Expect.ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => PutAsync(bucket, "k", "second", ifNoneMatch: "*"));
        Assert.Equal("first", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        Assert.Equal(blobs, BlobCount());

        // Without the condition the same write goes through.
        await PutAsync(bucket, "k", "third");
        Assert.Equal("third", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task If_none_match_star_treats_a_delete_marker_as_no_object()
    {
        var bucket = await f.AliceBucketAsync("cw");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await PutAsync(bucket, "k", "old");
        await f.AliceS3.DeleteObjectAsync(bucket, "k");
        await PutAsync(bucket, "k", "new", ifNoneMatch: "*");
        Assert.Equal("new", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => PutAsync(bucket, "gone", "x", ifMatch: "\"0123456789abcdef0123456789abcdef\""));
    }

    [Fact]
    public async Task If_match_replaces_only_the_object_with_that_etag()
    {
        var bucket = await f.AliceBucketAsync("cw");
        var first = await PutAsync(bucket, "k", "first");

        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => PutAsync(bucket, "missing", "x", ifMatch: first.ETag));
        await S3Expect.ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed,
            () => PutAsync(bucket, "k", "stale", ifMatch: "\"0123456789abcdef0123456789abcdef\""));
        Assert.Equal("first", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["k"], listed.S3Objects.Select(o => o.Key));

        var second = await PutAsync(bucket, "k", "second", ifMatch: first.ETag);
        Assert.Equal("second", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        // The first ETag no longer matches: a second writer that read the same version loses.
        await S3Expect.ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => PutAsync(bucket, "k", "lost update", ifMatch: first.ETag));
        Assert.NotEqual(first.ETag, second.ETag);
    }

    [Fact]
    public async Task An_if_none_match_other_than_star_is_not_implemented()
    {
        var bucket = await f.AliceBucketAsync("cw");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = "x"u8.ToArray() };
        request.Headers["If-None-Match"] = "\"0123456789abcdef0123456789abcdef\"";
        using var response = await raw.SendAsync(request);
        await S3Assert.ErrorAsync(response, "NotImplemented", HttpStatusCode.NotImplemented);
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task Racing_creates_with_if_none_match_star_have_exactly_one_winner()
    {
        var bucket = await f.AliceBucketAsync("cw");
        var blobs = BlobCount();
        const int writers = 8;
        // Bodies big enough that all writers are still streaming when the first one commits.
        var bodies = Enumerable.Range(0, writers).Select(i => $"writer {i} " + new string((char)('a' + i), 256 * 1024)).ToArray();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, writers).Select(async i =>
        {
            try
            {
                await PutAsync(bucket, "race", bodies[i], ifNoneMatch: "*");
                return (Writer: i, Status: HttpStatusCode.OK);
            }
            catch (AmazonS3Exception e)
            {
                Assert.Equal("PreconditionFailed", e.ErrorCode);
                return (Writer: i, Status: e.StatusCode);
            }
        }));

        var winners = outcomes.Where(o => o.Status == HttpStatusCode.OK).ToList();
        Assert.Single(winners);
        Assert.All(outcomes.Except(winners), o => Assert.Equal(HttpStatusCode.PreconditionFailed, o.Status));
        Assert.Equal(bodies[winners[0].Writer], await S3Expect.ReadAsync(f.AliceS3, bucket, "race"));
        // The losers' bytes are gone, not left behind as unreferenced blobs.
        Assert.Equal(blobs + 1, BlobCount());
    }

    [Fact]
    public async Task Complete_multipart_upload_honours_the_conditions_and_keeps_the_upload_when_they_fail()
    {
        var bucket = await f.AliceBucketAsync("cw");
        var existing = await PutAsync(bucket, "k", "existing");
        var upload = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "k")).UploadId;
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = upload, PartNumber = 1, InputStream = new MemoryStream(Encoding.UTF8.GetBytes("multipart")),
        });
        CompleteMultipartUploadRequest Complete(string? ifNoneMatch = null, string? ifMatch = null) => new()
        {
            BucketName = bucket, Key = "k", UploadId = upload, IfNoneMatch = ifNoneMatch, IfMatch = ifMatch,
            PartETags = [new PartETag { PartNumber = 1, ETag = part.ETag }],
        };

        await S3Expect.ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => f.AliceS3.CompleteMultipartUploadAsync(Complete(ifNoneMatch: "*")));
        await S3Expect.ErrorAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed,
            () => f.AliceS3.CompleteMultipartUploadAsync(Complete(ifMatch: "\"0123456789abcdef0123456789abcdef\"")));
        Assert.Equal("existing", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        // The upload is still there and completes once the condition holds.
        Assert.Single((await f.AliceS3.ListPartsAsync(bucket, "k", upload)).Parts);
        await f.AliceS3.CompleteMultipartUploadAsync(Complete(ifMatch: existing.ETag));
        Assert.Equal("multipart", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        var fresh = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "new")).UploadId;
        var freshPart = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "new", UploadId = fresh, PartNumber = 1, InputStream = new MemoryStream(Encoding.UTF8.GetBytes("new")),
        });
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "new", UploadId = fresh, IfMatch = existing.ETag, PartETags = [new PartETag { PartNumber = 1, ETag = freshPart.ETag }],
        }));
    }
}

public sealed class SqliteConditionalWriteTests(SqliteWalrusFixture f) : ConditionalWriteTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresConditionalWriteTests(PostgresWalrusFixture f) : ConditionalWriteTests(f), IClassFixture<PostgresWalrusFixture>;
