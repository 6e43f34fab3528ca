using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>HEAD of a key whose current version is a delete marker, and of the marker by version id, as S3 answers them.</summary>
public abstract class DeleteMarkerHeadTests(WalrusFixture f)
{
    [Fact]
    public async Task Head_answers_404_or_405_with_the_delete_marker_header()
    {
        var bucket = await f.AliceBucketAsync("dmhead");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var deleted = await f.AliceS3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("true", deleted.DeleteMarker);

        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/k");
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        Assert.Equal("true", head.Headers.GetValues("x-amz-delete-marker").Single());
        Assert.Equal(deleted.VersionId, head.Headers.GetValues("x-amz-version-id").Single());

        using var headMarker = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/k", [("versionId", deleted.VersionId)]);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, headMarker.StatusCode);
        Assert.Equal("true", headMarker.Headers.GetValues("x-amz-delete-marker").Single());
        Assert.Equal(deleted.VersionId, headMarker.Headers.GetValues("x-amz-version-id").Single());
    }

    [Fact]
    public async Task Deleting_a_plain_version_does_not_claim_a_delete_marker()
    {
        var bucket = await f.AliceBucketAsync("dmhead");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var delete = await raw.SendAsync(HttpMethod.Delete, $"/{bucket}/k", [("versionId", put.VersionId)]);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(delete.Headers.Contains("x-amz-delete-marker"));
        Assert.Equal(put.VersionId, delete.Headers.GetValues("x-amz-version-id").Single());
    }
}

public sealed class SqliteDeleteMarkerHeadTests(SqliteWalrusFixture f) : DeleteMarkerHeadTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresDeleteMarkerHeadTests(PostgresWalrusFixture f) : DeleteMarkerHeadTests(f), IClassFixture<PostgresWalrusFixture>;
