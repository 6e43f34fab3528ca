using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// What Walrus keeps of a multipart object's parts: GET and HEAD by ?partNumber, and GetObjectAttributes (ETag, Checksum,
/// ObjectParts with paging, StorageClass, ObjectSize), with their refusals.
/// </summary>
public abstract class ObjectPartsTests(WalrusFixture f)
{
    private const int MiB = 1024 * 1024;
    private static readonly byte[][] Parts =
    [
        Enumerable.Range(0, 5 * MiB).Select(i => (byte)(i * 3 + 1)).ToArray(),
        Enumerable.Range(0, 5 * MiB + 17).Select(i => (byte)(i * 11 + 5)).ToArray(),
        Enumerable.Range(0, 1000).Select(i => (byte)(i + 9)).ToArray(),
    ];

    /// <summary>A three-part object with a COMPOSITE CRC32C checksum; answers its ETag.</summary>
    private async Task<string> MultipartAsync(string bucket, string key)
    {
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = key, ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
        });
        var tags = new List<PartETag>();
        for (var i = 0; i < Parts.Length; i++)
        {
            var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = created.UploadId, PartNumber = i + 1, InputStream = new MemoryStream(Parts[i]),
                ChecksumAlgorithm = ChecksumAlgorithm.CRC32C,
            });
            tags.Add(new PartETag(i + 1, part.ETag) { ChecksumCRC32C = part.ChecksumCRC32C });
        }
        var complete = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = created.UploadId, PartETags = tags,
        });
        return complete.ETag;
    }

    [Fact]
    public async Task Get_and_head_by_part_number_serve_that_part()
    {
        var bucket = await f.AliceBucketAsync("parts");
        var etag = await MultipartAsync(bucket, "mpu");
        var offset = 0L;
        for (var n = 1; n <= Parts.Length; n++)
        {
            using (var get = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mpu", PartNumber = n }))
            {
                using var buffer = new MemoryStream();
                await get.ResponseStream.CopyToAsync(buffer);
                Assert.Equal(Parts[n - 1], buffer.ToArray());
                Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
                Assert.Equal(3, get.PartsCount);
                Assert.Equal(etag, get.ETag);
                Assert.Equal($"bytes {offset}-{offset + Parts[n - 1].Length - 1}/{Parts.Sum(p => p.Length)}", get.ContentRange);
            }
            offset += Parts[n - 1].Length;
        }
        using var raw = f.Raw(f.Alice);
        var head = new RawS3.Request(HttpMethod.Head, $"/{bucket}/mpu?partNumber=3");
        head.Headers["x-amz-checksum-mode"] = "ENABLED";
        using (var response = await raw.SendAsync(head))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal(1000, response.Content.Headers.ContentLength);
            Assert.Equal("3", response.Headers.GetValues("x-amz-mp-parts-count").Single());
            // The part's own checksum, not the object's composite one.
            Assert.Equal(ChecksumTests.Checksum("CRC32C", Parts[2]), response.Headers.GetValues("x-amz-checksum-crc32c").Single());
        }
    }

    [Fact]
    public async Task Part_numbers_out_of_range_or_with_a_range_are_refused()
    {
        var bucket = await f.AliceBucketAsync("parts");
        await MultipartAsync(bucket, "mpu");
        using var raw = f.Raw(f.Alice);
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/mpu?partNumber=4"))
            await S3Assert.ErrorAsync(response, "InvalidPartNumber", HttpStatusCode.RequestedRangeNotSatisfiable);
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/mpu?partNumber=0"))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
        var ranged = new RawS3.Request(HttpMethod.Get, $"/{bucket}/mpu?partNumber=1");
        ranged.Headers["Range"] = "bytes=0-9";
        using (var response = await raw.SendAsync(ranged))
            await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest);

        // A simple object is its only part, a range of all its bytes.
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "simple", "whole");
        using (var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/simple?partNumber=1"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.Equal("bytes 0-4/5", response.Content.Headers.ContentRange?.ToString());
            Assert.Equal("whole", await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("x-amz-mp-parts-count"));
        }
    }

    [Fact]
    public async Task Object_attributes_of_a_multipart_object_page_its_parts()
    {
        var bucket = await f.AliceBucketAsync("parts");
        var etag = await MultipartAsync(bucket, "mpu");
        var all = await f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mpu",
            ObjectAttributes = [ObjectAttributes.ETag, ObjectAttributes.Checksum, ObjectAttributes.ObjectParts, ObjectAttributes.StorageClass, ObjectAttributes.ObjectSize],
        });
        Assert.Equal(etag.Trim('"'), all.ETag);
        Assert.Equal(ChecksumStorageTests.Expected("CRC32C", "COMPOSITE", Parts), all.Checksum.ChecksumCRC32C);
        Assert.Equal("COMPOSITE", all.Checksum.ChecksumType?.Value);
        Assert.Equal(Parts.Sum(p => (long)p.Length), all.ObjectSize);
        Assert.Equal("STANDARD", all.StorageClass?.Value);
        Assert.Equal(3, all.ObjectParts.TotalPartsCount);
        Assert.Equal([1, 2, 3], all.ObjectParts.Parts.Select(p => p.PartNumber ?? 0));
        Assert.Equal(Parts.Select(p => ChecksumTests.Checksum("CRC32C", p)), all.ObjectParts.Parts.Select(p => p.ChecksumCRC32C));
        Assert.Equal(Parts.Select(p => (long)p.Length), all.ObjectParts.Parts.Select(p => p.Size ?? 0));

        var first = await f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mpu", ObjectAttributes = [ObjectAttributes.ObjectParts], MaxParts = 2,
        });
        Assert.True(first.ObjectParts.IsTruncated);
        Assert.Equal(2, first.ObjectParts.NextPartNumberMarker);
        Assert.Equal(2, first.ObjectParts.Parts.Count);
        Assert.Null(first.ETag);
        var rest = await f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mpu", ObjectAttributes = [ObjectAttributes.ObjectParts], MaxParts = 2, PartNumberMarker = 2,
        });
        Assert.False(rest.ObjectParts.IsTruncated);
        Assert.Equal(3, Assert.Single(rest.ObjectParts.Parts).PartNumber);
    }

    [Fact]
    public async Task Object_attributes_of_a_simple_versioned_object()
    {
        var bucket = await f.AliceBucketAsync("parts");
        await f.AliceS3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var data = RandomNumberGenerator.GetBytes(3000);
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ChecksumAlgorithm = ChecksumAlgorithm.SHA1,
        });
        var attributes = await f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "k", VersionId = put.VersionId, ObjectAttributes = [ObjectAttributes.Checksum, ObjectAttributes.ObjectParts, ObjectAttributes.ObjectSize],
        });
        Assert.Equal(put.VersionId, attributes.VersionId);
        Assert.Equal(ChecksumTests.Checksum("SHA1", data), attributes.Checksum.ChecksumSHA1);
        Assert.Equal("FULL_OBJECT", attributes.Checksum.ChecksumType?.Value);
        Assert.Null(attributes.ObjectParts);
        Assert.Equal(3000, attributes.ObjectSize);
        Assert.NotNull(attributes.LastModified);

        // The current version a delete marker: 404 that says so.
        await f.AliceS3.DeleteObjectAsync(bucket, "k");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Get, $"/{bucket}/k?attributes");
        request.Headers["x-amz-object-attributes"] = "ETag";
        using var response = await raw.SendAsync(request);
        await S3Assert.ErrorAsync(response, "NoSuchKey", HttpStatusCode.NotFound);
        Assert.Equal("true", response.Headers.GetValues("x-amz-delete-marker").Single());
    }

    [Theory]
    [InlineData(null, "InvalidRequest")]
    [InlineData("", "InvalidRequest")]
    [InlineData("ETag,Colour", "InvalidArgument")]
    [InlineData("etag", "InvalidArgument")]
    public async Task Object_attributes_missing_or_unknown_are_refused_as_S3_does(string? header, string code)
    {
        var bucket = await f.AliceBucketAsync("parts");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Get, $"/{bucket}/k?attributes");
        if (header is not null)
            request.Headers["x-amz-object-attributes"] = header;
        using (var response = await raw.SendAsync(request))
            await S3Assert.ErrorAsync(response, code, HttpStatusCode.BadRequest);

        // An x-amz-max-parts S3 cannot read is ignored; a part-number marker it cannot read is refused.
        var ignored = new RawS3.Request(HttpMethod.Get, $"/{bucket}/k?attributes");
        ignored.Headers["x-amz-object-attributes"] = "ObjectSize";
        ignored.Headers["x-amz-max-parts"] = "many";
        using (var response = await raw.SendAsync(ignored))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        ignored.Headers["x-amz-part-number-marker"] = "-1";
        using (var response = await raw.SendAsync(ignored))
            await S3Assert.ErrorAsync(response, "InvalidArgument", HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Object_attributes_of_a_missing_key_are_NoSuchKey_and_need_read_access()
    {
        var bucket = await f.AliceBucketAsync("parts");
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "missing", ObjectAttributes = [ObjectAttributes.ETag],
        }));
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "private", "x");
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "private", ObjectAttributes = [ObjectAttributes.ETag],
        }));
    }

    [Fact]
    public async Task A_policy_grants_object_attributes_by_their_own_action()
    {
        var bucket = await f.AliceBucketAsync("parts");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");
        await f.AliceS3.PutBucketPolicyAsync(bucket,
            $$"""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjectAttributes","Resource":"arn:aws:s3:::{{bucket}}/*"}]}""");
        var attributes = await f.BobS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "k", ObjectAttributes = [ObjectAttributes.ObjectSize],
        });
        Assert.Equal(1, attributes.ObjectSize);
        // Not the object itself, nor another version's attributes (s3:GetObjectVersionAttributes).
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.GetObjectAsync(bucket, "k"));
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "k", VersionId = "null", ObjectAttributes = [ObjectAttributes.ObjectSize],
        }));
    }

    [Fact]
    public async Task Boto3_reads_checksums_attributes_and_parts()
    {
        var bucket = await f.AliceBucketAsync("parts");
        await f.RunBoto3ScriptAsync("boto3_object_attributes.py", bucket);
    }
}

public sealed class SqliteObjectPartsTests(SqliteWalrusFixture f) : ObjectPartsTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresObjectPartsTests(PostgresWalrusFixture f) : ObjectPartsTests(f), IClassFixture<PostgresWalrusFixture>;
