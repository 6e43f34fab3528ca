using System.Net;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// CompleteMultipartUpload repeated for an upload that already completed answers as S3 does: 200 and the same object
/// (ETag, version) for the same part list; NoSuchUpload for another list or once that object version is gone.
/// </summary>
public abstract class RepeatedCompletionTests(WalrusFixture f)
{
    private async Task<(string UploadId, List<PartETag> Parts)> UploadAsync(string bucket, string key)
    {
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(bucket, key);
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("first"u8.ToArray()) });
        // Sent again with the same number: the second one is the part.
        part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("again"u8.ToArray()) });
        return (upload.UploadId, [new PartETag(1, part.ETag)]);
    }

    private Task<CompleteMultipartUploadResponse> CompleteAsync(string bucket, string key, string uploadId, List<PartETag> parts) =>
        f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId, PartETags = parts });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_same_completion_again_answers_the_same_object(bool versioned)
    {
        var bucket = await f.AliceBucketAsync("rc");
        if (versioned)
            await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Enabled } });
        var (uploadId, parts) = await UploadAsync(bucket, "k");
        var first = await CompleteAsync(bucket, "k", uploadId, parts);
        var again = await CompleteAsync(bucket, "k", uploadId, parts);
        Assert.Equal((HttpStatusCode.OK, first.ETag, first.VersionId, first.Location), (again.HttpStatusCode, again.ETag, again.VersionId, again.Location));
        Assert.Equal("again", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        if (versioned)
            Assert.Single((await f.AliceS3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions);

        // Another part list, or an object that has since been replaced, is NoSuchUpload.
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => CompleteAsync(bucket, "k", uploadId, [new PartETag(2, parts[0].ETag)]));
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "replaced");
        if (versioned)
            await f.AliceS3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = first.VersionId });
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => CompleteAsync(bucket, "k", uploadId, parts));
        Assert.Equal("replaced", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }
}

public sealed class SqliteRepeatedCompletionTests(SqliteWalrusFixture f) : RepeatedCompletionTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresRepeatedCompletionTests(PostgresWalrusFixture f) : RepeatedCompletionTests(f), IClassFixture<PostgresWalrusFixture>;
