using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>CopyObject (metadata directives, across buckets, conditions) and DeleteObjects (quiet mode, per-key errors).</summary>
public abstract class CopyAndMultiDeleteTests(WalrusFixture f)
{
    private async Task<(string Bucket, string ETag)> SourceAsync()
    {
        var bucket = await f.AliceBucketAsync("src");
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "source", ContentBody = "copy me", ContentType = "text/x-source",
            Metadata = { ["origin"] = "source" },
        });
        return (bucket, put.ETag);
    }

    [Fact]
    public async Task Copy_keeps_metadata_by_default_across_buckets()
    {
        var (source, etag) = await SourceAsync();
        var target = await f.AliceBucketAsync("dst");
        var copy = await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = target, DestinationKey = "dir/copy",
        });
        Assert.Equal(etag, copy.ETag);
        Assert.Equal("copy me", await WalrusFixture.ReadTextAsync(f.AliceS3, target, "dir/copy"));
        var head = await f.AliceS3.GetObjectMetadataAsync(target, "dir/copy");
        Assert.Equal("text/x-source", head.Headers.ContentType);
        Assert.Equal("source", head.Metadata["origin"]);
        // The source is untouched.
        Assert.Equal("copy me", await WalrusFixture.ReadTextAsync(f.AliceS3, source, "source"));
    }

    [Fact]
    public async Task Copy_of_a_key_with_awkward_characters()
    {
        var bucket = await f.AliceBucketAsync();
        const string source = "dir/a b+c%d&é?.txt";
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = source, ContentBody = "odd" });
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = source, DestinationBucket = bucket, DestinationKey = "copy of " + source });
        Assert.Equal("odd", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "copy of " + source));
    }

    [Fact]
    public async Task Copy_with_replace_takes_the_new_metadata()
    {
        var (source, etag) = await SourceAsync();
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "replaced",
            MetadataDirective = S3MetadataDirective.REPLACE, ContentType = "text/x-new", Metadata = { ["fresh"] = "yes" },
        });
        var head = await f.AliceS3.GetObjectMetadataAsync(source, "replaced");
        Assert.Equal("text/x-new", head.Headers.ContentType);
        Assert.Equal("yes", head.Metadata["fresh"]);
        Assert.DoesNotContain("x-amz-meta-origin", head.Metadata.Keys);
        Assert.Equal(etag, head.ETag);
    }

    [Fact]
    public async Task Copy_onto_itself_needs_replace()
    {
        var (source, _) = await SourceAsync();
        await S3Assert.FailsAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "source",
        }));
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "source",
            MetadataDirective = S3MetadataDirective.REPLACE, Metadata = { ["origin"] = "rewritten" },
        });
        var head = await f.AliceS3.GetObjectMetadataAsync(source, "source");
        Assert.Equal("rewritten", head.Metadata["origin"]);
        Assert.Equal("copy me", await WalrusFixture.ReadTextAsync(f.AliceS3, source, "source"));
    }

    [Fact]
    public async Task Copy_source_conditions()
    {
        var (source, etag) = await SourceAsync();
        await S3Assert.FailsAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "cond",
            ETagToMatch = "\"0123456789abcdef0123456789abcdef\"",
        }));
        await S3Assert.FailsAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "cond", ETagToNotMatch = etag,
        }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(source, "cond"));
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = source, DestinationKey = "cond", ETagToMatch = etag,
        });
        Assert.Equal("copy me", await WalrusFixture.ReadTextAsync(f.AliceS3, source, "cond"));
    }

    [Fact]
    public async Task Copy_needs_read_access_to_the_source_and_an_existing_source()
    {
        var (source, _) = await SourceAsync();
        var bobs = WalrusFixture.NewBucketName("bob");
        await f.BobS3.PutBucketAsync(bobs);
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "source", DestinationBucket = bobs, DestinationKey = "stolen",
        }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = source, SourceKey = "missing", DestinationBucket = source, DestinationKey = "x",
        }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.BobS3.GetObjectAsync(bobs, "stolen"));
    }

    [Fact]
    public async Task Delete_objects_reports_each_key()
    {
        var bucket = await f.AliceBucketAsync();
        foreach (var key in new[] { "a", "b/c", "d e" })
            await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        var response = await f.AliceS3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "a" }, new KeyVersion { Key = "b/c" }, new KeyVersion { Key = "never-existed" }],
        });
        Assert.Equal(["a", "b/c", "never-existed"], response.DeletedObjects.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.Empty(response.DeleteErrors ?? []);
        var left = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal("d e", Assert.Single(left.S3Objects).Key);

        var quiet = await f.AliceS3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Quiet = true, Objects = [new KeyVersion { Key = "d e" }],
        });
        Assert.Empty(quiet.DeletedObjects ?? []);
        Assert.Empty(quiet.DeleteErrors ?? []);
        Assert.Empty((await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    [Fact]
    public async Task Delete_objects_refuses_per_key_what_the_caller_may_not_delete()
    {
        var bucket = await f.AliceBucketAsync();
        foreach (var key in new[] { "public/a", "private/b" })
            await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        var bob = await f.Host.Accounts.FindAccountAsync("bob");
        await f.AliceS3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{bob!.Id}}"},
              "Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/public/*"}]}
            """);

        foreach (var quiet in new[] { false, true })
        {
            var failure = await Assert.ThrowsAsync<DeleteObjectsException>(() => f.BobS3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = bucket, Quiet = quiet, Objects = [new KeyVersion { Key = "public/a" }, new KeyVersion { Key = "private/b" }],
            }));
            var error = Assert.Single(failure.Response.DeleteErrors);
            Assert.Equal(("private/b", "AccessDenied"), (error.Key, error.Code));
            if (quiet)
                Assert.Empty(failure.Response.DeletedObjects ?? []);
            else
                Assert.Equal("public/a", Assert.Single(failure.Response.DeletedObjects).Key);
        }
        var left = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal("private/b", Assert.Single(left.S3Objects).Key);
    }
}

public sealed class SqliteCopyAndMultiDeleteTests(SqliteWalrusFixture f) : CopyAndMultiDeleteTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresCopyAndMultiDeleteTests(PostgresWalrusFixture f) : CopyAndMultiDeleteTests(f), IClassFixture<PostgresWalrusFixture>;
