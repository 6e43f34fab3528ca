using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Buckets and objects through AWSSDK.S3, against SQLite and PostgreSQL metadata.</summary>
public abstract class BasicObjectTests(WalrusFixture f)
{
    [Fact]
    public async Task Put_get_head_delete_round_trip()
    {
        var bucket = WalrusFixture.NewBucketName();
        await f.AliceS3.PutBucketAsync(bucket);
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "dir/hello.txt", ContentBody = "hello world", ContentType = "text/plain",
            Metadata = { ["colour"] = "blue" },
        });
        Assert.Equal("\"5eb63bbbe01eeed093cb22bb8f5acdc3\"", put.ETag);

        using var get = await f.AliceS3.GetObjectAsync(bucket, "dir/hello.txt");
        using var reader = new StreamReader(get.ResponseStream, Encoding.UTF8);
        Assert.Equal("hello world", await reader.ReadToEndAsync());
        Assert.Equal("text/plain", get.Headers.ContentType);
        Assert.Equal("blue", get.Metadata["colour"]);

        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "dir/hello.txt");
        Assert.Equal(11, head.ContentLength);

        await f.AliceS3.DeleteObjectAsync(bucket, "dir/hello.txt");
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => f.AliceS3.GetObjectAsync(bucket, "dir/hello.txt"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Other_account_cannot_read_a_private_object()
    {
        var bucket = WalrusFixture.NewBucketName();
        await f.AliceS3.PutBucketAsync(bucket);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret", ContentBody = "s" });
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => f.BobS3.GetObjectAsync(bucket, "secret"));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        var list = await f.BobS3.ListBucketsAsync();
        Assert.DoesNotContain(list.Buckets ?? [], b => b.BucketName == bucket);
    }
}

public sealed class SqliteBasicObjectTests(SqliteWalrusFixture f) : BasicObjectTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresBasicObjectTests(PostgresWalrusFixture f) : BasicObjectTests(f), IClassFixture<PostgresWalrusFixture>;
