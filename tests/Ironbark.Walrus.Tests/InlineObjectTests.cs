using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Small objects (up to <see cref="WalrusOptions.DefaultInlineMaxBytes"/>) keep their bytes in their metadata row;
/// larger ones get a blob file. Both must behave the same to a client, and the files on disk show which is which.
/// </summary>
public abstract class InlineObjectTests(WalrusFixture f)
{
    private const int Limit = WalrusOptions.DefaultInlineMaxBytes;

    private int BlobFiles() => Directory.EnumerateFiles(Path.Combine(f.Host.DataDir, "walrus", "blobs"), "*", SearchOption.AllDirectories).Count();

    private Task<PutObjectResponse> PutAsync(string bucket, string key, byte[] body) =>
        f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });

    private async Task<byte[]> ReadAsync(string bucket, string key, string? versionId = null, ByteRange? range = null)
    {
        using var response = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId, ByteRange = range });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string Etag(byte[] body) => $"\"{Convert.ToHexStringLower(MD5.HashData(body))}\"";

    [Fact]
    public async Task Objects_up_to_the_limit_have_no_blob_file_and_larger_ones_do()
    {
        var bucket = await f.AliceBucketAsync("inl");
        var small = RandomNumberGenerator.GetBytes(Limit);
        var large = RandomNumberGenerator.GetBytes(Limit + 1);
        var before = BlobFiles();

        Assert.Equal(Etag(small), (await PutAsync(bucket, "small", small)).ETag);
        Assert.Equal(before, BlobFiles());
        Assert.Equal(Etag(large), (await PutAsync(bucket, "large", large)).ETag);
        Assert.Equal(before + 1, BlobFiles());

        Assert.Equal(small, await ReadAsync(bucket, "small"));
        Assert.Equal(large, await ReadAsync(bucket, "large"));
        Assert.Equal(small[100..200], await ReadAsync(bucket, "small", range: new ByteRange(100, 199)));
        Assert.Equal(small[^10..], await ReadAsync(bucket, "small", range: new ByteRange("bytes=-10")));
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "small");
        Assert.Equal(Limit, head.ContentLength);
        Assert.Equal(Etag(small), head.ETag);
        var listed = (await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects;
        Assert.Equal([("large", (long)Limit + 1), ("small", (long)Limit)], listed.Select(o => (o.Key, o.Size ?? -1)).ToArray());

        // A small object over a large one frees the large one's file; a large one over a small one makes one.
        await PutAsync(bucket, "large", small);
        Assert.Equal(before, BlobFiles());
        Assert.Equal(small, await ReadAsync(bucket, "large"));
        await PutAsync(bucket, "small", large);
        Assert.Equal(before + 1, BlobFiles());
        Assert.Equal(large, await ReadAsync(bucket, "small"));

        await f.AliceS3.DeleteObjectAsync(bucket, "large");
        await f.AliceS3.DeleteObjectAsync(bucket, "small");
        Assert.Equal(before, BlobFiles());
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "large"));
    }

    [Fact]
    public async Task Every_version_of_a_small_object_keeps_its_own_bytes()
    {
        var bucket = await f.AliceBucketAsync("inlv");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var bodies = new[] { RandomNumberGenerator.GetBytes(10), RandomNumberGenerator.GetBytes(Limit), RandomNumberGenerator.GetBytes(Limit + 1) };
        var before = BlobFiles();
        var versions = new List<string>();
        foreach (var body in bodies)
            versions.Add((await PutAsync(bucket, "k", body)).VersionId);
        Assert.Equal(before + 1, BlobFiles());

        for (var i = 0; i < bodies.Length; i++)
            Assert.Equal(bodies[i], await ReadAsync(bucket, "k", versions[i]));
        Assert.Equal(bodies[2], await ReadAsync(bucket, "k"));

        // A delete marker hides the key; the versions stay readable by id.
        await f.AliceS3.DeleteObjectAsync(bucket, "k");
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
        Assert.Equal(bodies[1], await ReadAsync(bucket, "k", versions[1]));

        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = versions[1] });
        await S3Assert.FailsAsync("NoSuchVersion", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = versions[1] }));
        Assert.Equal(bodies[0], await ReadAsync(bucket, "k", versions[0]));
        await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = versions[2] });
        Assert.Equal(before, BlobFiles());
    }

    [Fact]
    public async Task A_copy_of_a_small_object_is_small_and_independent_of_its_source()
    {
        var bucket = await f.AliceBucketAsync("inlc");
        var other = await f.AliceBucketAsync("inld");
        var body = RandomNumberGenerator.GetBytes(5000);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
            { BucketName = bucket, Key = "src", InputStream = new MemoryStream(body), ContentType = "application/x-src" });
        var before = BlobFiles();

        var copy = await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = other, DestinationKey = "copy",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "application/x-copy",
        });
        Assert.Equal(Etag(body), copy.ETag);
        Assert.Equal(before, BlobFiles());
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "replaced" });

        Assert.Equal(body, await ReadAsync(other, "copy"));
        Assert.Equal("application/x-copy", (await f.AliceS3.GetObjectMetadataAsync(other, "copy")).Headers.ContentType);
    }

    [Fact]
    public async Task A_small_put_that_fails_stores_nothing()
    {
        var bucket = await f.AliceBucketAsync("inle");
        var body = RandomNumberGenerator.GetBytes(1000);
        await S3Assert.FailsAsync("BadDigest", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(body), MD5Digest = Convert.ToBase64String(MD5.HashData(body[1..])),
        }));
        await PutAsync(bucket, "k", body);
        // A failed conditional write leaves the object it lost to as it was.
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => f.AliceS3.PutObjectAsync(new PutObjectRequest
            { BucketName = bucket, Key = "k", ContentBody = "other", IfNoneMatch = "*" }));
        Assert.Equal(HttpStatusCode.PreconditionFailed, e.StatusCode);
        Assert.Equal(body, await ReadAsync(bucket, "k"));
        Assert.Single((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects);
    }
}

public sealed class SqliteInlineObjectTests(SqliteWalrusFixture f) : InlineObjectTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresInlineObjectTests(PostgresWalrusFixture f) : InlineObjectTests(f), IClassFixture<PostgresWalrusFixture>;
