using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Additional checksums (x-amz-checksum-*) on PutObject and UploadPart, in a header or as the trailer of an
/// aws-chunked body (signed and unsigned): a right one is accepted and echoed, a wrong one is BadDigest, a
/// malformed declaration InvalidRequest or MalformedTrailerError, and a refused upload stores nothing.
/// </summary>
public abstract class ChecksumTests(WalrusFixture f)
{
    /// <summary>Large enough (three 8 KiB chunks and more) to leave the inline path and be written to a blob file.</summary>
    private static readonly byte[] Data = Enumerable.Range(0, 40000).Select(i => (byte)(i * 31 + 7)).ToArray();

    public static readonly string[] Algorithms = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

    public static TheoryData<string, bool> AlgorithmsOnTargets()
    {
        var data = new TheoryData<string, bool>();
        foreach (var algorithm in Algorithms)
            foreach (var part in new[] { false, true })
                data.Add(algorithm, part);
        return data;
    }

    public static TheoryData<string, bool, bool> AlgorithmsModesTargets()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var algorithm in Algorithms)
            foreach (var signed in new[] { true, false })
                foreach (var part in new[] { false, true })
                    data.Add(algorithm, signed, part);
        return data;
    }

    /// <summary>The base64 of the big-endian digest, computed here with System.IO.Hashing and .NET's hashes.</summary>
    public static string Checksum(string algorithm, byte[] data)
    {
        byte[] BigEndian(byte[] littleEndian) => littleEndian.Reverse().ToArray();
        return Convert.ToBase64String(algorithm switch
        {
            "CRC32" => BigEndian(Crc32.Hash(data)),
            "CRC32C" => BigEndian(Crc32.Hash(Crc32ParameterSet.Crc32C, data)),
            "CRC64NVME" => BigEndian(Crc64.Hash(Crc64ParameterSet.Nvme, data)),
            "SHA1" => SHA1.HashData(data),
            "SHA256" => SHA256.HashData(data),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        });
    }

    private static string Header(string algorithm) => "x-amz-checksum-" + algorithm.ToLowerInvariant();

    /// <summary>Where an upload goes and how to tell it stored nothing: a key holding a previous object, or a fresh multipart upload.</summary>
    private sealed record Target(string Bucket, string Key, string PathAndQuery, string? UploadId);

    private async Task<Target> TargetAsync(bool part)
    {
        var bucket = await f.AliceBucketAsync("sum");
        if (!part)
        {
            await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "previous");
            return new Target(bucket, "k", $"/{bucket}/k", null);
        }
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(bucket, "k");
        return new Target(bucket, "k", $"/{bucket}/k?partNumber=1&uploadId={upload.UploadId}", upload.UploadId);
    }

    private async Task AssertNothingStoredAsync(Target target)
    {
        if (target.UploadId is null)
            Assert.Equal("previous", await S3Expect.ReadAsync(f.AliceS3, target.Bucket, target.Key));
        else
            Assert.Empty((await f.AliceS3.ListPartsAsync(new ListPartsRequest
            {
                BucketName = target.Bucket, Key = target.Key, UploadId = target.UploadId,
            })).Parts ?? []);
        // Nor a blob left behind in the temp directory.
        var tmp = Path.Combine(f.Host.DataDir, "walrus", "tmp");
        await S3Expect.EventuallyAsync(() => Task.FromResult(!Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Any()), "no temp blob", 5);
    }

    private async Task AssertStoredAsync(Target target, byte[] data)
    {
        if (target.UploadId is null)
        {
            using var get = await f.AliceS3.GetObjectAsync(target.Bucket, target.Key);
            using var buffer = new MemoryStream();
            await get.ResponseStream.CopyToAsync(buffer);
            Assert.Equal(data, buffer.ToArray());
        }
        else
        {
            var part = Assert.Single((await f.AliceS3.ListPartsAsync(new ListPartsRequest
            {
                BucketName = target.Bucket, Key = target.Key, UploadId = target.UploadId,
            })).Parts);
            Assert.Equal(data.Length, part.Size);
        }
    }

    private static async Task AssertBadDigestAsync(HttpResponseMessage response, string algorithm)
    {
        var error = await S3Assert.ErrorAsync(response, "BadDigest", HttpStatusCode.BadRequest);
        Assert.Equal($"The {algorithm} you specified did not match the calculated checksum.", error.Element("Message")?.Value);
    }

    [Theory]
    [InlineData("CRC32", "y/Q5Jg==")]
    [InlineData("CRC32C", "4waSgw==")]
    [InlineData("CRC64NVME", "rosUhgp5mIg=")]
    [InlineData("SHA1", "98O8HYCOBHMq32eZZczDTKeuNEE=")]
    [InlineData("SHA256", "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=")]
    public async Task The_check_values_of_123456789_are_accepted_and_echoed(string algorithm, string value)
    {
        // The standard check values of each CRC (and the digests of "123456789"), written out, not computed.
        var data = "123456789"u8.ToArray();
        Assert.Equal(value, Checksum(algorithm, data));
        var bucket = await f.AliceBucketAsync("sum");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/header") { Body = data };
        request.Headers[Header(algorithm)] = value;
        using (var response = await raw.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(value, response.Headers.GetValues(Header(algorithm)).Single());
        }
        using (var response = await raw.SendAsync(TrailerUpload.Build(raw, f.Alice, $"/{bucket}/trailer", data, signed: false,
                   [(Header(algorithm), value)], Header(algorithm))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(value, response.Headers.GetValues(Header(algorithm)).Single());
        }
        Assert.Equal("123456789", await S3Expect.ReadAsync(f.AliceS3, bucket, "trailer"));
    }

    [Theory]
    [MemberData(nameof(AlgorithmsOnTargets))]
    public async Task A_checksum_header_is_verified_before_anything_is_stored(string algorithm, bool part)
    {
        using var raw = f.Raw(f.Alice);
        var target = await TargetAsync(part);
        var wrong = new RawS3.Request(HttpMethod.Put, target.PathAndQuery) { Body = Data };
        wrong.Headers[Header(algorithm)] = Checksum(algorithm, "other bytes"u8.ToArray());
        using (var response = await raw.SendAsync(wrong))
            await AssertBadDigestAsync(response, algorithm);
        await AssertNothingStoredAsync(target);

        var right = new RawS3.Request(HttpMethod.Put, target.PathAndQuery) { Body = Data };
        right.Headers[Header(algorithm)] = Checksum(algorithm, Data);
        using (var response = await raw.SendAsync(right))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Checksum(algorithm, Data), response.Headers.GetValues(Header(algorithm)).Single());
        }
        await AssertStoredAsync(target, Data);
    }

    [Theory]
    [MemberData(nameof(AlgorithmsModesTargets))]
    public async Task A_trailing_checksum_is_verified_before_anything_is_stored(string algorithm, bool signed, bool part)
    {
        using var raw = f.Raw(f.Alice);
        var target = await TargetAsync(part);
        using (var response = await raw.SendAsync(TrailerUpload.Build(raw, f.Alice, target.PathAndQuery, Data, signed,
                   [(Header(algorithm), Checksum(algorithm, "other bytes"u8.ToArray()))], Header(algorithm))))
            await AssertBadDigestAsync(response, algorithm);
        await AssertNothingStoredAsync(target);

        using (var response = await raw.SendAsync(TrailerUpload.Build(raw, f.Alice, target.PathAndQuery, Data, signed,
                   [(Header(algorithm), Checksum(algorithm, Data))], Header(algorithm),
                   headers: new Dictionary<string, string> { ["x-amz-sdk-checksum-algorithm"] = algorithm })))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(Checksum(algorithm, Data), response.Headers.GetValues(Header(algorithm)).Single());
        }
        await AssertStoredAsync(target, Data);
    }

    public static TheoryData<string, string, string> BadDeclarations() => new()
    {
        { "x-amz-checksum-crc32", "not base64!", "Value for x-amz-checksum-crc32 header is invalid." },
        { "x-amz-checksum-sha256", Convert.ToBase64String(new byte[31]), "Value for x-amz-checksum-sha256 header is invalid." },
        { "x-amz-checksum-crc32", "", "Value for x-amz-checksum-crc32 header is invalid." },
        { "x-amz-checksum-crc16", "AAA=", "The algorithm type you specified in x-amz-checksum- header is invalid." },
        { "x-amz-sdk-checksum-algorithm", "CRC32", "x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found." },
        { "x-amz-sdk-checksum-algorithm", "CRC16", "Value for x-amz-sdk-checksum-algorithm header is invalid." },
        { "x-amz-trailer", "x-amz-meta-late", "The value specified in the x-amz-trailer header is not supported" },
    };

    [Theory]
    [MemberData(nameof(BadDeclarations))]
    public async Task A_malformed_checksum_declaration_is_InvalidRequest(string header, string value, string message)
    {
        using var raw = f.Raw(f.Alice);
        foreach (var part in new[] { false, true })
        {
            var target = await TargetAsync(part);
            var request = new RawS3.Request(HttpMethod.Put, target.PathAndQuery) { Body = Data };
            request.Headers[header] = value;
            using var response = await raw.SendAsync(request);
            var error = await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest);
            Assert.Equal(message, error.Element("Message")?.Value);
            await AssertNothingStoredAsync(target);
        }
    }

    [Fact]
    public async Task More_than_one_checksum_is_InvalidRequest()
    {
        using var raw = f.Raw(f.Alice);
        var target = await TargetAsync(part: false);
        const string message = "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.";
        var two = new RawS3.Request(HttpMethod.Put, target.PathAndQuery) { Body = Data };
        two.Headers["x-amz-checksum-crc32"] = Checksum("CRC32", Data);
        two.Headers["x-amz-checksum-sha1"] = Checksum("SHA1", Data);
        using (var response = await raw.SendAsync(two))
            Assert.Equal(message, (await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest)).Element("Message")?.Value);

        // A header and a trailer, or two trailers.
        foreach (var (headers, declared) in new[]
                 {
                     (new Dictionary<string, string> { ["x-amz-checksum-crc32"] = Checksum("CRC32", Data) }, "x-amz-checksum-crc32"),
                     (new Dictionary<string, string>(), "x-amz-checksum-crc32,x-amz-checksum-sha1"),
                 })
        {
            using var response = await raw.SendAsync(TrailerUpload.Build(raw, f.Alice, target.PathAndQuery, Data, signed: true,
                [("x-amz-checksum-crc32", Checksum("CRC32", Data))], declared, headers: headers));
            Assert.Equal(message, (await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest)).Element("Message")?.Value);
        }
        // x-amz-sdk-checksum-algorithm naming another algorithm than the one sent.
        var mismatch = new RawS3.Request(HttpMethod.Put, target.PathAndQuery) { Body = Data };
        mismatch.Headers["x-amz-checksum-crc32"] = Checksum("CRC32", Data);
        mismatch.Headers["x-amz-sdk-checksum-algorithm"] = "SHA256";
        using (var response = await raw.SendAsync(mismatch))
            Assert.Equal("Value for x-amz-sdk-checksum-algorithm header is invalid.",
                (await S3Assert.ErrorAsync(response, "InvalidRequest", HttpStatusCode.BadRequest)).Element("Message")?.Value);
        await AssertNothingStoredAsync(target);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Trailers_other_than_the_declared_ones_are_MalformedTrailerError(bool signed)
    {
        using var raw = f.Raw(f.Alice);
        var crc = ("x-amz-checksum-crc32", Checksum("CRC32", Data));
        var cases = new (IReadOnlyList<(string, string)> Trailers, string? Declared, string Code)[]
        {
            ([], "x-amz-checksum-crc32", "MalformedTrailerError"),                                       // declared, never sent
            ([crc], null, "MalformedTrailerError"),                                                       // sent, never declared
            ([("x-amz-checksum-sha1", Checksum("SHA1", Data))], "x-amz-checksum-crc32", "MalformedTrailerError"), // another one
            ([crc, crc], "x-amz-checksum-crc32", "MalformedTrailerError"),                                // twice
            ([("x-amz-checksum-crc32", "%%%")], "x-amz-checksum-crc32", "InvalidRequest"),                // not base64
        };
        foreach (var part in new[] { false, true })
            foreach (var (trailers, declared, code) in cases)
            {
                var target = await TargetAsync(part);
                using var response = await raw.SendAsync(TrailerUpload.Build(raw, f.Alice, target.PathAndQuery, Data, signed, trailers, declared));
                await S3Assert.ErrorAsync(response, code, HttpStatusCode.BadRequest);
                await AssertNothingStoredAsync(target);
            }
    }

    [Fact]
    public async Task The_sdk_sends_checksums_of_every_algorithm_it_knows_and_they_verify()
    {
        var bucket = await f.AliceBucketAsync("sum");
        var recorder = new PayloadModeRecorder();
        using var s3 = f.Host.Client(f.Alice, c => c.HttpClientFactory = recorder);
        foreach (var algorithm in new[]
                 {
                     Amazon.S3.ChecksumAlgorithm.CRC32, Amazon.S3.ChecksumAlgorithm.CRC32C, Amazon.S3.ChecksumAlgorithm.CRC64NVME,
                     Amazon.S3.ChecksumAlgorithm.SHA1, Amazon.S3.ChecksumAlgorithm.SHA256, Amazon.S3.ChecksumAlgorithm.SHA512,
                 })
        {
            var key = "sdk-" + algorithm.Value;
            recorder.Modes.Clear();
            var put = await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = key, InputStream = new MemoryStream(Data), UseChunkEncoding = true, ChecksumAlgorithm = algorithm,
            });
            Assert.Equal(TrailerUpload.Signed, Assert.Single(recorder.Modes));
            Assert.Equal(Data.Length, (await f.AliceS3.GetObjectMetadataAsync(bucket, key)).ContentLength);
            if (Algorithms.Contains(algorithm.Value))
                Assert.Equal(Checksum(algorithm.Value, Data), algorithm.Value switch
                {
                    "CRC32" => put.ChecksumCRC32, "CRC32C" => put.ChecksumCRC32C, "CRC64NVME" => put.ChecksumCRC64NVME,
                    "SHA1" => put.ChecksumSHA1, _ => put.ChecksumSHA256,
                });

            var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ChecksumAlgorithm = algorithm });
            await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Data),
                UseChunkEncoding = true, ChecksumAlgorithm = algorithm,
            });
            await s3.AbortMultipartUploadAsync(bucket, key, upload.UploadId);
        }
        // MD5 and the xxHashes the SDK sends only precomputed, in a header (xxHash as its canonical big-endian digest).
        foreach (var (name, digest) in new (string, Func<byte[], byte[]>)[]
                 {
                     ("MD5", MD5.HashData), ("XXHASH64", d => XxHash64.Hash(d)), ("XXHASH3", d => XxHash3.Hash(d)), ("XXHASH128", d => XxHash128.Hash(d)),
                 })
        {
            PutObjectRequest Put(byte[] checksumOf)
            {
                var request = new PutObjectRequest { BucketName = bucket, Key = "sdk-" + name, InputStream = new MemoryStream(Data) };
                var value = Convert.ToBase64String(digest(checksumOf));
                _ = name switch
                {
                    "MD5" => request.ChecksumMD5 = value, "XXHASH64" => request.ChecksumXXHASH64 = value,
                    "XXHASH3" => request.ChecksumXXHASH3 = value, _ => request.ChecksumXXHASH128 = value,
                };
                return request;
            }
            var e = await S3Assert.FailsAsync("BadDigest", HttpStatusCode.BadRequest, () => s3.PutObjectAsync(Put([1, 2, 3])));
            Assert.Equal($"The {name} you specified did not match the calculated checksum.", e.Message);
            await s3.PutObjectAsync(Put(Data));
        }
    }

    [Fact]
    public async Task Boto3_checksums_are_verified()
    {
        var bucket = await f.AliceBucketAsync("sum");
        await f.RunBoto3ScriptAsync("boto3_checksums.py", bucket);
    }

    [Fact]
    public async Task A_wrong_precomputed_checksum_from_the_sdk_is_BadDigest()
    {
        var bucket = await f.AliceBucketAsync("sum");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "previous");
        var e = await S3Assert.FailsAsync("BadDigest", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "new content", ChecksumCRC32C = Checksum("CRC32C", Encoding.UTF8.GetBytes("other content")),
        }));
        Assert.Equal("The CRC32C you specified did not match the calculated checksum.", e.Message);
        Assert.Equal("previous", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }
}

public sealed class SqliteChecksumTests(SqliteWalrusFixture f) : ChecksumTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresChecksumTests(PostgresWalrusFixture f) : ChecksumTests(f), IClassFixture<PostgresWalrusFixture>;
