using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Stored checksums: a PUT's verified checksum is kept and returned by GET and HEAD with x-amz-checksum-mode, copies
/// keep or recompute it, and a multipart upload gets its COMPOSITE or FULL_OBJECT checksum, checked part by part.
/// </summary>
public abstract class ChecksumStorageTests(WalrusFixture f)
{
    private const int MiB = 1024 * 1024;
    private static readonly byte[] Small = Enumerable.Range(0, 1000).Select(i => (byte)(i * 13 + 1)).ToArray();
    private static readonly byte[] Large = Enumerable.Range(0, 100_000).Select(i => (byte)(i * 31 + 7)).ToArray();

    public static TheoryData<string> Algorithms() => [.. ChecksumTests.Algorithms];

    private static string Header(string algorithm) => "x-amz-checksum-" + algorithm.ToLowerInvariant();

    private static string? Of(GetObjectResponse r, string algorithm) => algorithm switch
    {
        "CRC32" => r.ChecksumCRC32, "CRC32C" => r.ChecksumCRC32C, "CRC64NVME" => r.ChecksumCRC64NVME, "SHA1" => r.ChecksumSHA1, _ => r.ChecksumSHA256,
    };

    private static string? Of(GetObjectMetadataResponse r, string algorithm) => algorithm switch
    {
        "CRC32" => r.ChecksumCRC32, "CRC32C" => r.ChecksumCRC32C, "CRC64NVME" => r.ChecksumCRC64NVME, "SHA1" => r.ChecksumSHA1, _ => r.ChecksumSHA256,
    };

    private async Task AssertReturnedAsync(string bucket, string key, string algorithm, string value, string type)
    {
        using (var get = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED }))
        {
            Assert.Equal(value, Of(get, algorithm));
            Assert.Equal(type, get.ChecksumType?.Value);
            await get.ResponseStream.CopyToAsync(Stream.Null);
        }
        var head = await f.AliceS3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(value, Of(head, algorithm));
        Assert.Equal(type, head.ChecksumType?.Value);

        // Not without x-amz-checksum-mode, nor on a range.
        using var raw = f.Raw(f.Alice);
        using (var plain = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/{key}"))
            Assert.False(plain.Headers.Contains(Header(algorithm)));
        var ranged = new RawS3.Request(HttpMethod.Get, $"/{bucket}/{key}");
        ranged.Headers["x-amz-checksum-mode"] = "ENABLED";
        ranged.Headers["Range"] = "bytes=0-9";
        using (var response = await raw.SendAsync(ranged))
        {
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            Assert.False(response.Headers.Contains(Header(algorithm)));
            Assert.False(response.Headers.Contains("x-amz-checksum-type"));
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task A_put_checksum_is_stored_and_returned_with_checksum_mode(string algorithm)
    {
        var bucket = await f.AliceBucketAsync("sums");
        // From the SDK (an aws-chunked trailer) into a blob, and from a raw header into an inline object.
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "trailer", InputStream = new MemoryStream(Large), ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm),
        });
        await AssertReturnedAsync(bucket, "trailer", algorithm, ChecksumTests.Checksum(algorithm, Large), "FULL_OBJECT");

        using var raw = f.Raw(f.Alice);
        var put = new RawS3.Request(HttpMethod.Put, $"/{bucket}/header") { Body = Small };
        put.Headers[Header(algorithm)] = ChecksumTests.Checksum(algorithm, Small);
        using (var response = await raw.SendAsync(put))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertReturnedAsync(bucket, "header", algorithm, ChecksumTests.Checksum(algorithm, Small), "FULL_OBJECT");
    }

    [Fact]
    public async Task A_refused_put_leaves_the_object_and_its_checksum()
    {
        var bucket = await f.AliceBucketAsync("sums");
        using var raw = f.Raw(f.Alice);
        var good = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Large };
        good.Headers["x-amz-checksum-crc32c"] = ChecksumTests.Checksum("CRC32C", Large);
        using (var response = await raw.SendAsync(good))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bad = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Small };
        bad.Headers["x-amz-checksum-sha256"] = ChecksumTests.Checksum("SHA256", Large);
        using (var response = await raw.SendAsync(bad))
            await S3Assert.ErrorAsync(response, "BadDigest", HttpStatusCode.BadRequest);
        await AssertReturnedAsync(bucket, "k", "CRC32C", ChecksumTests.Checksum("CRC32C", Large), "FULL_OBJECT");
        Assert.Equal(Large.Length, (await f.AliceS3.GetObjectMetadataAsync(bucket, "k")).ContentLength);
    }

    [Fact]
    public async Task A_copy_keeps_the_source_checksum_or_computes_the_one_asked_for()
    {
        var bucket = await f.AliceBucketAsync("sums");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "source", InputStream = new MemoryStream(Large), ChecksumAlgorithm = ChecksumAlgorithm.SHA1,
        });
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "kept" });
        await AssertReturnedAsync(bucket, "kept", "SHA1", ChecksumTests.Checksum("SHA1", Large), "FULL_OBJECT");

        var copy = await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "new", ChecksumAlgorithm = ChecksumAlgorithm.CRC64NVME,
        });
        Assert.Equal(ChecksumTests.Checksum("CRC64NVME", Large), copy.ChecksumCRC64NVME);
        await AssertReturnedAsync(bucket, "new", "CRC64NVME", ChecksumTests.Checksum("CRC64NVME", Large), "FULL_OBJECT");

        using var raw = f.Raw(f.Alice);
        var unknown = new RawS3.Request(HttpMethod.Put, $"/{bucket}/other");
        unknown.Headers["x-amz-copy-source"] = $"/{bucket}/source";
        unknown.Headers["x-amz-checksum-algorithm"] = "CRC16";
        using (var response = await raw.SendAsync(unknown))
            await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "other"));
    }

    public static TheoryData<string, string> MultipartKinds() => new()
    {
        { "CRC32", "COMPOSITE" }, { "CRC32", "FULL_OBJECT" }, { "CRC32C", "COMPOSITE" }, { "CRC32C", "FULL_OBJECT" },
        { "CRC64NVME", "FULL_OBJECT" }, { "SHA1", "COMPOSITE" }, { "SHA256", "COMPOSITE" },
    };

    private static readonly byte[] Part1 = Enumerable.Range(0, 5 * MiB).Select(i => (byte)(i * 17 + i / 4099)).ToArray();
    private static readonly byte[] Part2 = Enumerable.Range(0, 300_001).Select(i => (byte)(i * 5 + 3)).ToArray();

    private static void SetChecksum(PartETag tag, string algorithm, string value)
    {
        _ = algorithm switch
        {
            "CRC32" => tag.ChecksumCRC32 = value, "CRC32C" => tag.ChecksumCRC32C = value, "CRC64NVME" => tag.ChecksumCRC64NVME = value,
            "SHA1" => tag.ChecksumSHA1 = value, _ => tag.ChecksumSHA256 = value,
        };
    }

    private static string? Of(UploadPartResponse r, string algorithm) => algorithm switch
    {
        "CRC32" => r.ChecksumCRC32, "CRC32C" => r.ChecksumCRC32C, "CRC64NVME" => r.ChecksumCRC64NVME, "SHA1" => r.ChecksumSHA1, _ => r.ChecksumSHA256,
    };

    private static string? Of(CompleteMultipartUploadResponse r, string algorithm) => algorithm switch
    {
        "CRC32" => r.ChecksumCRC32, "CRC32C" => r.ChecksumCRC32C, "CRC64NVME" => r.ChecksumCRC64NVME, "SHA1" => r.ChecksumSHA1, _ => r.ChecksumSHA256,
    };

    /// <summary>What S3 computes: the checksum of all the bytes, or that of the parts' binary checksums with "-N".</summary>
    public static string Expected(string algorithm, string type, params byte[][] parts) =>
        type == "FULL_OBJECT"
            ? ChecksumTests.Checksum(algorithm, parts.SelectMany(p => p).ToArray())
            : ChecksumTests.Checksum(algorithm, parts.SelectMany(p => Convert.FromBase64String(ChecksumTests.Checksum(algorithm, p))).ToArray()) + "-" + parts.Length;

    [Theory]
    [MemberData(nameof(MultipartKinds))]
    public async Task A_multipart_upload_gets_its_composite_or_full_object_checksum(string algorithm, string type)
    {
        var bucket = await f.AliceBucketAsync("sums");
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm), ChecksumType = ChecksumType.FindValue(type),
        });
        Assert.Equal(algorithm, created.ChecksumAlgorithm?.Value);
        Assert.Equal(type, created.ChecksumType?.Value);
        var tags = new List<PartETag>();
        foreach (var (number, data) in new[] { (1, Part1), (2, Part2) })
        {
            var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = "mpu", UploadId = created.UploadId, PartNumber = number, InputStream = new MemoryStream(data),
                ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm),
            });
            Assert.Equal(ChecksumTests.Checksum(algorithm, data), Of(part, algorithm));
            var tag = new PartETag(number, part.ETag);
            SetChecksum(tag, algorithm, ChecksumTests.Checksum(algorithm, data));
            tags.Add(tag);
        }
        var listed = await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mpu", UploadId = created.UploadId });
        Assert.Equal(algorithm, listed.ChecksumAlgorithm?.Value);
        Assert.Equal(type, listed.ChecksumType?.Value);
        Assert.Equal(ChecksumTests.Checksum(algorithm, Part2), algorithm switch
        {
            "CRC32" => listed.Parts[1].ChecksumCRC32, "CRC32C" => listed.Parts[1].ChecksumCRC32C, "CRC64NVME" => listed.Parts[1].ChecksumCRC64NVME,
            "SHA1" => listed.Parts[1].ChecksumSHA1, _ => listed.Parts[1].ChecksumSHA256,
        });

        var complete = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = created.UploadId, PartETags = tags,
        });
        var expected = Expected(algorithm, type, Part1, Part2);
        Assert.Equal(expected, Of(complete, algorithm));
        Assert.Equal(type, complete.ChecksumType?.Value);
        await AssertReturnedAsync(bucket, "mpu", algorithm, expected, type);
    }

    [Fact]
    public async Task A_part_without_a_checksum_gets_the_uploads_one_computed()
    {
        var bucket = await f.AliceBucketAsync("sums");
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ChecksumAlgorithm = ChecksumAlgorithm.CRC32C, ChecksumType = ChecksumType.FULL_OBJECT,
        });
        using var raw = f.Raw(f.Alice);
        var etags = new List<string>();
        foreach (var (number, data) in new[] { (1, Part1), (2, Part2) })
        {
            using var response = await raw.SendAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/mpu?partNumber={number}&uploadId={created.UploadId}") { Body = data });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ChecksumTests.Checksum("CRC32C", data), response.Headers.GetValues("x-amz-checksum-crc32c").Single());
            etags.Add(response.Headers.ETag!.Tag);
        }
        // Another algorithm than the upload's is refused.
        var other = new RawS3.Request(HttpMethod.Put, $"/{bucket}/mpu?partNumber=3&uploadId={created.UploadId}") { Body = Part2 };
        other.Headers["x-amz-checksum-sha1"] = ChecksumTests.Checksum("SHA1", Part2);
        using (var response = await raw.SendAsync(other))
            await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest);
        var complete = await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = created.UploadId, PartETags = [new PartETag(1, etags[0]), new PartETag(2, etags[1])],
        });
        Assert.Equal(Expected("CRC32C", "FULL_OBJECT", Part1, Part2), complete.ChecksumCRC32C);
    }

    [Fact]
    public async Task Complete_with_a_wrong_part_checksum_is_InvalidPart_and_completes_nothing()
    {
        var bucket = await f.AliceBucketAsync("sums");
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        Assert.Equal("COMPOSITE", created.ChecksumType?.Value);
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = created.UploadId, PartNumber = 1, InputStream = new MemoryStream(Part2),
            ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        using var raw = f.Raw(f.Alice);
        async Task CompleteAsync(string partXml, string code)
        {
            var body = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.ETag}</ETag>{partXml}</Part></CompleteMultipartUpload>";
            using var response = await raw.SendAsync(new RawS3.Request(HttpMethod.Post, $"/{bucket}/mpu?uploadId={created.UploadId}")
            {
                Body = System.Text.Encoding.UTF8.GetBytes(body),
            });
            await S3Assert.ErrorAsync(response, code, HttpStatusCode.BadRequest);
        }
        await CompleteAsync($"<ChecksumSHA256>{ChecksumTests.Checksum("SHA256", Part1)}</ChecksumSHA256>", "InvalidPart");
        await CompleteAsync("", "InvalidRequest");                                                                 // missing for COMPOSITE
        await CompleteAsync($"<ChecksumCRC32>{ChecksumTests.Checksum("CRC32", Part2)}</ChecksumCRC32>", "InvalidRequest"); // another algorithm
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "mpu"));
        Assert.Single((await f.AliceS3.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "mpu", UploadId = created.UploadId })).Parts);
    }

    [Theory]
    [InlineData("FULL_OBJECT")]
    [InlineData("COMPOSITE")]
    public async Task A_whole_object_checksum_on_complete_must_match_the_parts(string type)
    {
        var bucket = await f.AliceBucketAsync("sums");
        var created = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ChecksumAlgorithm = ChecksumAlgorithm.CRC32, ChecksumType = ChecksumType.FindValue(type),
        });
        var part = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = created.UploadId, PartNumber = 1, InputStream = new MemoryStream(Part2),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        });
        using var raw = f.Raw(f.Alice);
        RawS3.Request Complete(string whole)
        {
            var body = $"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>{part.ETag}</ETag><ChecksumCRC32>{part.ChecksumCRC32}</ChecksumCRC32></Part></CompleteMultipartUpload>";
            var request = new RawS3.Request(HttpMethod.Post, $"/{bucket}/mpu?uploadId={created.UploadId}") { Body = System.Text.Encoding.UTF8.GetBytes(body) };
            request.Headers["x-amz-checksum-crc32"] = whole;
            return request;
        }
        var expected = Expected("CRC32", type, Part2);
        using (var response = await raw.SendAsync(Complete(type == "FULL_OBJECT" ? ChecksumTests.Checksum("CRC32", Part1) : ChecksumTests.Checksum("CRC32", Part1) + "-1")))
            await S3Assert.ErrorAsync(response, "BadDigest", HttpStatusCode.BadRequest);
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "mpu"));
        using (var response = await raw.SendAsync(Complete(expected)))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await AssertReturnedAsync(bucket, "mpu", "CRC32", expected, type);
    }

    public static TheoryData<string?, string?, string> BadCreates() => new()
    {
        { "SHA1", "FULL_OBJECT", "The FULL_OBJECT checksum type cannot be used with the sha1 checksum algorithm." },
        { "SHA256", "FULL_OBJECT", "The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm." },
        { "CRC64NVME", "COMPOSITE", "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm." },
        { null, "COMPOSITE", "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header." },
        { "CRC32", "HALF", "Value for x-amz-checksum-type header is invalid." },
        { "CRC16", null, "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]" },
    };

    [Theory]
    [MemberData(nameof(BadCreates))]
    public async Task A_bad_checksum_on_create_is_InvalidRequest_and_starts_no_upload(string? algorithm, string? type, string message)
    {
        var bucket = await f.AliceBucketAsync("sums");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Post, $"/{bucket}/mpu?uploads");
        if (algorithm is not null)
            request.Headers["x-amz-checksum-algorithm"] = algorithm;
        if (type is not null)
            request.Headers["x-amz-checksum-type"] = type;
        using (var response = await raw.SendAsync(request))
            Assert.Equal(message, (await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest)).Element("Message")?.Value);
        Assert.Empty((await f.AliceS3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }
}

public sealed class SqliteChecksumStorageTests(SqliteWalrusFixture f) : ChecksumStorageTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresChecksumStorageTests(PostgresWalrusFixture f) : ChecksumStorageTests(f), IClassFixture<PostgresWalrusFixture>;
