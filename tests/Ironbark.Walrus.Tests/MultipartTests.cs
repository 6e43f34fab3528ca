using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Multipart uploads: create, upload (and copy) parts, complete, abort, list, and every refusal of a completion.</summary>
public abstract class MultipartTests(WalrusFixture f)
{
    private const int MiB = 1024 * 1024;

    private async Task<string> CreateAsync(string bucket, string key, string? contentType = null)
    {
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = key, ContentType = contentType, Metadata = { ["stage"] = "multipart" },
        });
        Assert.Equal((bucket, key), (created.BucketName, created.Key));
        return created.UploadId;
    }

    private async Task<string> UploadAsync(string bucket, string key, string uploadId, int number, byte[] data)
    {
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = new MemoryStream(data),
        });
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", part.ETag);
        return part.ETag;
    }

    private static string MultipartEtag(params byte[][] parts) =>
        $"\"{Convert.ToHexStringLower(MD5.HashData(parts.SelectMany(MD5.HashData).ToArray()))}-{parts.Length}\"";

    private static byte[] Filler(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 7 + seed)).ToArray();

    [Fact]
    public async Task Upload_copy_and_complete_gives_the_concatenation_and_the_md5_of_md5s_etag()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var sourceBytes = Filler(1000, 3);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(sourceBytes) });
        var uploadId = await CreateAsync(bucket, "big", "video/x-test");

        var first = RandomNumberGenerator.GetBytes(5 * MiB);
        var etag1 = await UploadAsync(bucket, "big", uploadId, 1, first);
        var copied = await f.AliceS3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "big",
            UploadId = uploadId, PartNumber = 2, FirstByte = 10, LastByte = 109,
        });
        var second = sourceBytes[10..110];
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(second))}\"", copied.ETag);

        var complete = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "big", UploadId = uploadId,
            PartETags = [new PartETag(1, etag1), new PartETag(2, copied.ETag)],
        });
        Assert.Equal(MultipartEtag(first, second), complete.ETag);

        using var get = await f.AliceS3.GetObjectAsync(bucket, "big");
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(first.Concat(second).ToArray(), buffer.ToArray());
        Assert.Equal(complete.ETag, get.ETag);
        Assert.Equal("video/x-test", get.Headers.ContentType);
        Assert.Equal("multipart", get.Metadata["stage"]);

        // A completed upload is gone.
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () =>
            f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "big", UploadId = uploadId }));
        var uploads = await f.AliceS3.ListMultipartUploadsAsync(bucket);
        Assert.Empty(uploads.MultipartUploads ?? []);
    }

    [Fact]
    public async Task A_small_part_that_is_not_the_last_is_EntityTooSmall()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var uploadId = await CreateAsync(bucket, "k");
        var etag1 = await UploadAsync(bucket, "k", uploadId, 1, Filler(1024, 1));
        var etag2 = await UploadAsync(bucket, "k", uploadId, 2, Filler(10, 2));
        await S3Assert.FailsAsync("EntityTooSmall", HttpStatusCode.BadRequest, () => f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [new PartETag(1, etag1), new PartETag(2, etag2)],
        }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));

        // One small part alone is also the last part: that completes.
        var single = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [new PartETag(2, etag2)],
        });
        Assert.Equal(MultipartEtag(Filler(10, 2)), single.ETag);
        Assert.Equal(10, (await f.AliceS3.GetObjectMetadataAsync(bucket, "k")).ContentLength);
    }

    [Fact]
    public async Task Wrong_or_missing_parts_and_bad_order_are_refused_and_the_upload_survives()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var uploadId = await CreateAsync(bucket, "k");
        var etag1 = await UploadAsync(bucket, "k", uploadId, 1, Filler(100, 1));
        var etag2 = await UploadAsync(bucket, "k", uploadId, 2, Filler(100, 2));

        Task Complete(params PartETag[] parts) => f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [.. parts],
        });
        await S3Assert.FailsAsync("InvalidPart", HttpStatusCode.BadRequest, () => Complete(new PartETag(1, etag2)));
        await S3Assert.FailsAsync("InvalidPart", HttpStatusCode.BadRequest, () => Complete(new PartETag(1, etag1), new PartETag(3, etag2)));

        using var raw = f.Raw(f.Alice);
        async Task<HttpResponseMessage> RawComplete(string body) =>
            await raw.SendAsync(HttpMethod.Post, $"/{bucket}/k?uploadId={uploadId}", Encoding.UTF8.GetBytes(body));
        using (var response = await RawComplete(
                   $"<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>{etag2}</ETag></Part><Part><PartNumber>1</PartNumber><ETag>{etag1}</ETag></Part></CompleteMultipartUpload>"))
            await S3Assert.ErrorAsync(response, "InvalidPartOrder", HttpStatusCode.BadRequest);
        foreach (var garbage in new[] { "this is not xml", "<CompleteMultipartUpload></CompleteMultipartUpload>", "<Other/>",
                     "<CompleteMultipartUpload><Part><PartNumber>one</PartNumber><ETag>x</ETag></Part></CompleteMultipartUpload>", "" })
        {
            using var response = await RawComplete(garbage);
            await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        }

        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId });
        Assert.Equal([1, 2], parts.Parts.Select(p => p.PartNumber ?? 0));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "k"));
    }

    [Fact]
    public async Task Unknown_and_aborted_uploads_are_NoSuchUpload()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        const string unknown = "0123456789abcdef0123456789abcdef0123456789abcdef";
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = unknown, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]),
        }));
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = unknown, PartETags = [new PartETag(1, "\"0123456789abcdef0123456789abcdef\"")],
        }));

        var uploadId = await CreateAsync(bucket, "k");
        await UploadAsync(bucket, "k", uploadId, 1, Filler(100, 1));
        // The upload id belongs to its key.
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () =>
            f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "other", UploadId = uploadId }));
        var aborted = await f.AliceS3.AbortMultipartUploadAsync(bucket, "k", uploadId);
        Assert.Equal(HttpStatusCode.NoContent, aborted.HttpStatusCode);
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () =>
            f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId }));
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartNumber = 2, InputStream = new MemoryStream([1]),
        }));
        await S3Assert.FailsAsync("NoSuchUpload", HttpStatusCode.NotFound, () => f.AliceS3.AbortMultipartUploadAsync(bucket, "k", uploadId));
        // With the upload gone the bucket is empty again.
        await f.AliceS3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task Copy_part_ranges_must_lie_inside_the_source()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "source", InputStream = new MemoryStream(Filler(1000, 1)) });
        var uploadId = await CreateAsync(bucket, "k");
        using var raw = f.Raw(f.Alice);
        async Task Expect(string range, string code, HttpStatusCode status)
        {
            var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k?partNumber=1&uploadId={uploadId}");
            request.Headers["x-amz-copy-source"] = $"/{bucket}/source";
            request.Headers["x-amz-copy-source-range"] = range;
            using var response = await raw.SendAsync(request);
            await S3Assert.ErrorAsync(response, code, status);
        }
        await Expect("bytes=1000-1001", "InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable);
        await Expect("bytes=500-1000", "InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable);
        await Expect("bytes=500-", "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect("bytes=-5", "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect("bytes=9-3", "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect("500-600", "InvalidArgument", HttpStatusCode.BadRequest);
        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId });
        Assert.Empty(parts.Parts ?? []);

        var whole = await f.AliceS3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "k", UploadId = uploadId, PartNumber = 1,
            FirstByte = 0, LastByte = 999,
        });
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(Filler(1000, 1)))}\"", whole.ETag);
    }

    [Fact]
    public async Task Bad_part_numbers_and_digests_are_refused()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var uploadId = await CreateAsync(bucket, "k");
        using var raw = f.Raw(f.Alice);
        foreach (var number in new[] { "0", "10001", "x" })
        {
            using var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k?partNumber={number}&uploadId={uploadId}", [1, 2, 3]);
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        }
        await S3Assert.FailsAsync("BadDigest", HttpStatusCode.BadRequest, () => f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream([1, 2, 3]),
            MD5Digest = Convert.ToBase64String(MD5.HashData([3, 2, 1])),
        }));
        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId });
        Assert.Empty(parts.Parts ?? []);
    }

    [Fact]
    public async Task List_parts_pages_with_max_parts_and_list_uploads()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var uploadId = await CreateAsync(bucket, "dir/k");
        var etags = new List<string>();
        for (var i = 1; i <= 5; i++)
            etags.Add(await UploadAsync(bucket, "dir/k", uploadId, i, Filler(10 * i, (byte)i)));

        var seen = new List<int>();
        int? marker = null;
        var pages = 0;
        while (true)
        {
            var page = await f.AliceS3.ListPartsAsync(new ListPartsRequest
            {
                BucketName = bucket, Key = "dir/k", UploadId = uploadId, MaxParts = 2, PartNumberMarker = marker?.ToString(),
            });
            pages++;
            Assert.Equal(2, page.MaxParts);
            foreach (var p in page.Parts ?? [])
            {
                seen.Add(p.PartNumber ?? 0);
                Assert.Equal(etags[(p.PartNumber ?? 0) - 1], p.ETag);
                Assert.Equal(10 * p.PartNumber, p.Size);
            }
            if (page.IsTruncated != true)
                break;
            marker = page.NextPartNumberMarker;
        }
        Assert.Equal([1, 2, 3, 4, 5], seen);
        Assert.Equal(3, pages);

        var second = await CreateAsync(bucket, "other");
        var all = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Equal([("dir/k", uploadId), ("other", second)], all.MultipartUploads.Select(u => (u.Key, u.UploadId)));
        var prefixed = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, Prefix = "dir/" });
        Assert.Equal(uploadId, Assert.Single(prefixed.MultipartUploads).UploadId);
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.ListMultipartUploadsAsync(bucket));
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () =>
            f.BobS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "dir/k", UploadId = uploadId }));
    }

    [Fact]
    public async Task List_uploads_pages_through_several_uploads_of_one_key()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var expected = new List<(string Key, string UploadId)>();
        foreach (var key in new[] { "k", "k", "k", "l" })
            expected.Add((key, await CreateAsync(bucket, key)));
        var all = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket });
        Assert.Equal(expected.Select(e => e.Key), all.MultipartUploads.Select(u => u.Key));
        Assert.Equal(expected.Order(), all.MultipartUploads.Select(u => (u.Key, u.UploadId)).Order());

        var seen = new List<(string, string)>();
        string? keyMarker = null, uploadMarker = null;
        for (var pages = 1; ; pages++)
        {
            Assert.True(pages <= expected.Count);
            var page = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = bucket, MaxUploads = 1, KeyMarker = keyMarker, UploadIdMarker = uploadMarker,
            });
            seen.AddRange(page.MultipartUploads.Select(u => (u.Key, u.UploadId)));
            if (page.IsTruncated != true)
                break;
            (keyMarker, uploadMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }
        Assert.Equal(all.MultipartUploads.Select(u => (u.Key, u.UploadId)), seen);

        // A key marker alone skips every upload of that key.
        var afterK = await f.AliceS3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = bucket, KeyMarker = "k" });
        Assert.Equal(expected[3].UploadId, Assert.Single(afterK.MultipartUploads).UploadId);
    }

    [Fact]
    public async Task Uploading_a_part_again_replaces_it()
    {
        var bucket = await f.AliceBucketAsync("mpu");
        var uploadId = await CreateAsync(bucket, "k");
        await UploadAsync(bucket, "k", uploadId, 1, Filler(100, 1));
        var etag = await UploadAsync(bucket, "k", uploadId, 1, Filler(50, 9));
        var parts = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "k", UploadId = uploadId });
        var part = Assert.Single(parts.Parts);
        Assert.Equal((etag, 50L), (part.ETag, part.Size ?? 0));
        var complete = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", UploadId = uploadId, PartETags = [new PartETag(1, etag)],
        });
        Assert.Equal(MultipartEtag(Filler(50, 9)), complete.ETag);
    }
}

public sealed class SqliteMultipartTests(SqliteWalrusFixture f) : MultipartTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresMultipartTests(PostgresWalrusFixture f) : MultipartTests(f), IClassFixture<PostgresWalrusFixture>;
