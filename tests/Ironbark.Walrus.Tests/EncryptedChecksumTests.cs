using System.IO.Hashing;
using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Checksums, parts and encryption together: every checksum and every part offset is of the plaintext, whether the
/// object is encrypted or not (a part copied in, a copy with a new checksum, GET by partNumber).
/// </summary>
public abstract class EncryptedChecksumTests(WalrusFixture f)
{
    private const int MiB = 1024 * 1024;
    private static readonly byte[] Source = Enumerable.Range(0, 6 * MiB + 333).Select(i => (byte)(i * 7 + i / 4099)).ToArray();

    private static async Task<byte[]> ReadAsync(GetObjectResponse get)
    {
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static string Crc32(ReadOnlySpan<byte> data) => Convert.ToBase64String(System.IO.Hashing.Crc32.Hash(data).Reverse().ToArray());

    [Fact]
    public async Task An_SSE_S3_upload_with_a_copied_part_has_the_plaintext_checksums_and_part_offsets()
    {
        var bucket = await f.AliceBucketAsync("sse-sum");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "src", InputStream = new MemoryStream(Source), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256, ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        });
        var first = Source[..(5 * MiB)];
        var p1 = await f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(first),
            ChecksumAlgorithm = ChecksumAlgorithm.CRC32,
        });
        Assert.Equal(Crc32(first), p1.ChecksumCRC32);
        // Part 2 is copied from the encrypted source: its checksum is computed at completion, over the plaintext.
        var p2 = await f.AliceS3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "mpu", UploadId = upload.UploadId,
            PartNumber = 2, FirstByte = 5 * MiB, LastByte = Source.Length - 1,
        });
        var second = Source[(5 * MiB)..];
        await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "mpu", UploadId = upload.UploadId,
            PartETags = [new PartETag(1, p1.ETag) { ChecksumCRC32 = p1.ChecksumCRC32 }, new PartETag(2, p2.ETag) { ChecksumCRC32 = Crc32(second) }],
        });

        using (var get = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "mpu", PartNumber = 2 }))
        {
            Assert.Equal(second, await ReadAsync(get));
            Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
            Assert.Equal($"bytes {5 * MiB}-{Source.Length - 1}/{Source.Length}", get.ContentRange);
            Assert.Equal(ServerSideEncryptionMethod.AES256, get.ServerSideEncryptionMethod);
        }
        var attributes = await f.AliceS3.GetObjectAttributesAsync(new GetObjectAttributesRequest
        {
            BucketName = bucket, Key = "mpu", ObjectAttributes = [ObjectAttributes.ObjectParts, ObjectAttributes.ObjectSize, ObjectAttributes.Checksum],
        });
        Assert.Equal(Source.Length, attributes.ObjectSize);
        Assert.Equal([Crc32(first), Crc32(second)], attributes.ObjectParts.Parts.Select(p => p.ChecksumCRC32));
        Assert.Equal([(long)first.Length, second.Length], attributes.ObjectParts.Parts.Select(p => p.Size ?? 0));
        var composite = Convert.ToBase64String(System.IO.Hashing.Crc32.Hash(
            Convert.FromBase64String(Crc32(first)).Concat(Convert.FromBase64String(Crc32(second))).ToArray()).Reverse().ToArray()) + "-2";
        Assert.Equal(composite, attributes.Checksum.ChecksumCRC32);
    }

    [Fact]
    public async Task A_copy_of_an_encrypted_object_with_a_new_algorithm_sums_the_plaintext()
    {
        var bucket = await f.AliceBucketAsync("sse-copy-sum");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "src", InputStream = new MemoryStream(Source), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
        });
        var head = await f.AliceS3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "dst", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Convert.ToBase64String(SHA256.HashData(Source)), head.ChecksumSHA256);
    }
}

public sealed class SqliteEncryptedChecksumTests(SqliteWalrusFixture f) : EncryptedChecksumTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresEncryptedChecksumTests(PostgresWalrusFixture f) : EncryptedChecksumTests(f), IClassFixture<PostgresWalrusFixture>;
