using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Encryption at rest: SSE-S3, SSE-KMS (the CLC's KeyService in this process) and SSE-C on PUT, GET, HEAD, ranges,
/// multipart uploads and copies, bucket default encryption, and every refusal with S3's code, leaving nothing stored.
/// </summary>
public abstract class EncryptionTests(WalrusFixture f)
{
    /// <summary>Three and a bit 64 KiB chunks: a blob, and ranges that cross chunk boundaries.</summary>
    private static readonly byte[] Data = Pattern(200_000, 3);

    private static byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)(i * 31 + seed + i / 251)).ToArray();

    private static string Md5Hex(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private static (string Key, string Md5) NewCustomerKey()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return (Convert.ToBase64String(key), Convert.ToBase64String(MD5.HashData(key)));
    }

    private static async Task<byte[]> ReadAllAsync(GetObjectResponse response)
    {
        using (response)
        {
            using var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }
    }

    private async Task<byte[]> GetAsync(string bucket, string key, ByteRange? range = null, (string Key, string Md5)? customer = null) =>
        await ReadAllAsync(await f.AliceS3.GetObjectAsync(new GetObjectRequest
        {
            BucketName = bucket, Key = key, ByteRange = range,
            ServerSideEncryptionCustomerMethod = customer is null ? null : ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer?.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer?.Md5,
        }));

    /// <summary>
    /// Asserts the bucket has no default encryption, on the wire: the SDK turns this 404 into an empty configuration.
    /// </summary>
    private async Task AssertNoDefaultEncryptionAsync(string bucket)
    {
        using var raw = f.Raw(f.Alice);
        await S3Expect.RawErrorAsync(await raw.SendAsync(HttpMethod.Get, $"/{bucket}?encryption"), HttpStatusCode.NotFound,
            "ServerSideEncryptionConfigurationNotFoundError");
    }

    /// <summary>Asserts nothing is stored under the key (a HEAD's 404 has no code, so a GET).</summary>
    private async Task AssertNoObjectAsync(string bucket, string key) =>
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, key));

    private static void AssertRange(byte[] data, long start, long end, byte[] got) => Assert.Equal(data[(int)start..(int)(end + 1)], got);

    [Theory]
    [InlineData(200_000)]
    [InlineData(1_000)]
    [InlineData(0)]
    public async Task Sse_s3_objects_round_trip_with_their_headers_and_ranges(int size)
    {
        var bucket = await f.AliceBucketAsync("sse");
        var data = Data[..size];
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal(Md5Hex(data), put.ETag);
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "k");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        Assert.Equal(size, head.ContentLength);
        Assert.Equal(Md5Hex(data), head.ETag);
        Assert.Equal(data, await GetAsync(bucket, "k"));
        if (size > 140_000)
        {
            AssertRange(data, 65_530, 131_080, await GetAsync(bucket, "k", new ByteRange(65_530, 131_080)));
            AssertRange(data, 0, 0, await GetAsync(bucket, "k", new ByteRange(0, 0)));
            AssertRange(data, size - 10, size - 1, await GetAsync(bucket, "k", new ByteRange(size - 10, size - 1)));
            AssertRange(data, 131_072, 131_072, await GetAsync(bucket, "k", new ByteRange(131_072, 131_072)));
        }
        var list = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(size, Assert.Single(list.S3Objects).Size);
    }

    [Fact]
    public async Task The_bytes_on_disk_and_in_the_database_are_not_the_plaintext()
    {
        var bucket = await f.AliceBucketAsync("sse");
        byte[] Marked(string marker, int length) => Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(marker, length / marker.Length)));
        var secret = Marked("SECRET-PLAINTEXT-7f3a|", 150_000);
        var secretSmall = Marked("SMALL-SECRET-PLAINTEXT-91c2|", 2_000);
        var plain = Marked("PLAIN-VISIBLE-TEXT-0b5e|", 150_000);
        foreach (var (key, body, sse) in new[] { ("secret", secret, true), ("small", secretSmall, true), ("plain", plain, false) })
            await f.AliceS3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = key, InputStream = new MemoryStream(body),
                ServerSideEncryptionMethod = sse ? ServerSideEncryptionMethod.AES256 : ServerSideEncryptionMethod.None,
            });
        var files = Directory.EnumerateFiles(f.Host.DataDir, "*", SearchOption.AllDirectories)
            .Where(p => !p.EndsWith(".key", StringComparison.Ordinal)).Select(ReadIfThere).ToList();
        bool OnDisk(string marker) => files.Any(b => b.AsSpan().IndexOf(Encoding.ASCII.GetBytes(marker)) >= 0);
        // The unencrypted object shows that the search can find what is there.
        Assert.True(OnDisk("PLAIN-VISIBLE-TEXT-0b5e|"));
        Assert.False(OnDisk("SECRET-PLAINTEXT-7f3a|"));
        // The small one is inline: in walrus.db (SQLite) or in PostgreSQL, encrypted either way.
        Assert.False(OnDisk("SMALL-SECRET-PLAINTEXT-91c2|"));
        Assert.Equal(secret, await GetAsync(bucket, "secret"));
        Assert.Equal(secretSmall, await GetAsync(bucket, "small"));
        var master = new FileInfo(Path.Combine(f.Host.DataDir, "walrus-sse-s3.key"));
        Assert.Equal(32, master.Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(master.FullName));
    }

    /// <summary>A file's bytes; empty when it went away meanwhile (a journal, a temp file).</summary>
    private static byte[] ReadIfThere(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            return [];
        }
    }

    [Fact]
    public async Task A_damaged_encrypted_blob_is_never_served_as_the_object()
    {
        var bucket = await f.AliceBucketAsync("sse");
        var data = Pattern(150_000, 9);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        // The one blob of the exact stored size: 150,000 bytes in three chunks, 16 bytes of tag each.
        var blob = Directory.EnumerateFiles(Path.Combine(f.Host.DataDir, "walrus", "blobs"), "*", SearchOption.AllDirectories)
            .Single(p => new FileInfo(p).Length == 150_000 + 3 * 16 && File.GetLastWriteTimeUtc(p) > DateTime.UtcNow.AddMinutes(-5)
                         && !File.ReadAllBytes(p).AsSpan().SequenceEqual(data));
        var bytes = File.ReadAllBytes(blob);
        bytes[70_000] ^= 1;
        File.WriteAllBytes(blob, bytes);
        // The first chunk still opens; the damaged second one fails the read rather than yield wrong bytes.
        AssertRange(data, 0, 99, await GetAsync(bucket, "k", new ByteRange(0, 99)));
        await Assert.ThrowsAnyAsync<Exception>(() => GetAsync(bucket, "k", new ByteRange(65_536, 65_600)));
    }

    [Fact]
    public async Task Sse_c_needs_the_same_key_on_every_read()
    {
        var bucket = await f.AliceBucketAsync("ssec");
        var customer = NewCustomerKey();
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", InputStream = new MemoryStream(Data),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        });
        Assert.Equal(ServerSideEncryptionCustomerMethod.AES256, put.ServerSideEncryptionCustomerMethod);
        Assert.Equal(customer.Md5, put.ResponseMetadata.Metadata.TryGetValue("x-amz-server-side-encryption-customer-key-MD5", out var m) ? m : put.ServerSideEncryptionCustomerProvidedKeyMD5);
        Assert.Equal(Data, await GetAsync(bucket, "k", customer: customer));
        AssertRange(Data, 100_000, 150_000, await GetAsync(bucket, "k", new ByteRange(100_000, 150_000), customer));
        var head = await f.AliceS3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "k", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        });
        Assert.Equal(customer.Md5, head.ServerSideEncryptionCustomerProvidedKeyMD5);
        Assert.Equal(Data.Length, head.ContentLength);

        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => GetAsync(bucket, "k"));
        var other = NewCustomerKey();
        await S3Expect.ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => GetAsync(bucket, "k", customer: other));
        var headWrong = await Assert.ThrowsAsync<AmazonS3Exception>(() => f.AliceS3.GetObjectMetadataAsync(new GetObjectMetadataRequest
        {
            BucketName = bucket, Key = "k", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = other.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = other.Md5,
        }));
        Assert.Equal(HttpStatusCode.Forbidden, headWrong.StatusCode);
        var headNone = await Assert.ThrowsAsync<AmazonS3Exception>(() => f.AliceS3.GetObjectMetadataAsync(bucket, "k"));
        Assert.Equal(HttpStatusCode.BadRequest, headNone.StatusCode);

        // A key sent for an object that is not SSE-C.
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "plain", "plain");
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => GetAsync(bucket, "plain", customer: customer));
    }

    public static TheoryData<string, string, string, string?> BadCustomerKeys()
    {
        var (key, md5) = NewCustomerKey();
        return new TheoryData<string, string, string, string?>
        {
            // header set: algorithm, key, MD5 (null: not sent); the code AWS answers.
            { "InvalidArgument", "", key, md5 },
            { "InvalidEncryptionAlgorithmError", "AES128", key, md5 },
            { "InvalidArgument", "AES256", "", md5 },
            { "InvalidArgument", "AES256", "not base64!", md5 },
            { "InvalidArgument", "AES256", Convert.ToBase64String(new byte[16]), md5 },
            { "InvalidArgument", "AES256", key, null },
            { "InvalidArgument", "AES256", key, Convert.ToBase64String(MD5.HashData(new byte[32])) },
        };
    }

    [Theory]
    [MemberData(nameof(BadCustomerKeys))]
    public async Task Malformed_customer_keys_are_refused_and_store_nothing(string code, string algorithm, string key, string? md5)
    {
        var bucket = await f.AliceBucketAsync("ssec");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "previous");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Data };
        if (algorithm != "")
            request.Headers["x-amz-server-side-encryption-customer-algorithm"] = algorithm;
        if (key != "")
            request.Headers["x-amz-server-side-encryption-customer-key"] = key;
        if (md5 is not null)
            request.Headers["x-amz-server-side-encryption-customer-key-MD5"] = md5;
        await S3Expect.RawErrorAsync(await raw.SendAsync(request), HttpStatusCode.BadRequest, code);
        Assert.Equal("previous", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }

    public static TheoryData<string, string> BadSseHeaders() => new()
    {
        { "x-amz-server-side-encryption", "AES128" },
        { "x-amz-server-side-encryption", "aws:kms:dsse" },
        { "x-amz-server-side-encryption", "" },
        { "x-amz-server-side-encryption-aws-kms-key-id", "alias/aws/s3" },
        { "x-amz-server-side-encryption-context", "e30=" },
        { "x-amz-server-side-encryption-bucket-key-enabled", "maybe" },
    };

    [Theory]
    [MemberData(nameof(BadSseHeaders))]
    public async Task Invalid_encryption_headers_are_InvalidArgument_and_store_nothing(string header, string value)
    {
        var bucket = await f.AliceBucketAsync("sse");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "previous");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Data };
        request.Headers[header] = value;
        await S3Expect.RawErrorAsync(await raw.SendAsync(request), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Equal("previous", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        // The same for a new upload: none is made.
        var create = new RawS3.Request(HttpMethod.Post, $"/{bucket}/m?uploads");
        create.Headers[header] = value;
        await S3Expect.RawErrorAsync(await raw.SendAsync(create), HttpStatusCode.BadRequest, "InvalidArgument");
        Assert.Empty((await f.AliceS3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
    }

    [Fact]
    public async Task Sse_c_together_with_a_server_side_encryption_is_InvalidArgument()
    {
        var bucket = await f.AliceBucketAsync("ssec");
        var (key, md5) = NewCustomerKey();
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Data };
        request.Headers["x-amz-server-side-encryption"] = "AES256";
        request.Headers["x-amz-server-side-encryption-customer-algorithm"] = "AES256";
        request.Headers["x-amz-server-side-encryption-customer-key"] = key;
        request.Headers["x-amz-server-side-encryption-customer-key-MD5"] = md5;
        await S3Expect.RawErrorAsync(await raw.SendAsync(request), HttpStatusCode.BadRequest, "InvalidArgument");
        await AssertNoObjectAsync(bucket, "k");
    }

    [Fact]
    public async Task A_read_with_a_write_only_encryption_header_is_InvalidArgument()
    {
        var bucket = await f.AliceBucketAsync("sse");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "x");
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Get, $"/{bucket}/k");
        request.Headers["x-amz-server-side-encryption"] = "AES256";
        await S3Expect.RawErrorAsync(await raw.SendAsync(request), HttpStatusCode.BadRequest, "InvalidArgument");
    }

    [Fact]
    public async Task Sse_kms_uses_the_account_s3_key_or_the_one_named()
    {
        var bucket = await f.AliceBucketAsync("kms");
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "default", InputStream = new MemoryStream(Data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, put.ServerSideEncryptionMethod);
        var s3Key = await f.Host.Keys.DescribeKeyAsync(f.Alice.AccountId, "alias/aws/s3", CancellationToken.None);
        Assert.Equal(s3Key.Arn, put.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.Equal(Data, await GetAsync(bucket, "default"));

        var key = await f.Host.Keys.CreateKeyAsync(f.Alice.AccountId, "for s3", CancellationToken.None);
        var context = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"project\":\"walrus\"}"));
        var named = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "named", InputStream = new MemoryStream(Data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = key.KeyId, ServerSideEncryptionKeyManagementServiceEncryptionContext = context,
            BucketKeyEnabled = true,
        });
        Assert.Equal(key.Arn, named.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(named.BucketKeyEnabled);
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "named");
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, head.ServerSideEncryptionMethod);
        Assert.Equal(key.Arn, head.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(head.BucketKeyEnabled);
        AssertRange(Data, 1, 199_998, await GetAsync(bucket, "named", new ByteRange(1, 199_998)));

        // A disabled key can no longer open the object: the key service's refusal, as S3 passes it on.
        await f.Host.Keys.SetEnabledAsync(f.Alice.AccountId, key.KeyId, false, CancellationToken.None);
        await S3Expect.ErrorAsync("KMS.DisabledException", HttpStatusCode.BadRequest, () => GetAsync(bucket, "named"));
        await f.Host.Keys.SetEnabledAsync(f.Alice.AccountId, key.KeyId, true, CancellationToken.None);
        Assert.Equal(Data, await GetAsync(bucket, "named"));
    }

    [Fact]
    public async Task An_unknown_kms_key_is_KMS_NotFoundException_and_stores_nothing()
    {
        var bucket = await f.AliceBucketAsync("kms");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "previous");
        foreach (var keyId in new[] { "00000000-0000-0000-0000-000000000000", "alias/nobody" })
        {
            await S3Expect.ErrorAsync("KMS.NotFoundException", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = "k", ContentBody = "new", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = keyId,
            }));
            await S3Expect.ErrorAsync("KMS.NotFoundException", HttpStatusCode.BadRequest, () => f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
            {
                BucketName = bucket, Key = "m", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
                ServerSideEncryptionKeyManagementServiceKeyId = keyId,
            }));
        }
        Assert.Equal("previous", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
        Assert.Empty((await f.AliceS3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? []);
        // Bob's key is not Alice's to use.
        var bobs = await f.Host.Keys.CreateKeyAsync(f.Bob.AccountId, "bob's", CancellationToken.None);
        await S3Expect.ErrorAsync("KMS.NotFoundException", HttpStatusCode.BadRequest, () => f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "new", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
            ServerSideEncryptionKeyManagementServiceKeyId = bobs.KeyId,
        }));
    }

    private async Task<(string Bucket, byte[] Data)> MultipartAsync(string key, Action<InitiateMultipartUploadRequest> create,
        Action<UploadPartRequest> part, bool withHeaders = true)
    {
        var bucket = await f.AliceBucketAsync("ssem");
        var data = Pattern(5 * 1024 * 1024 + 300_000, 5);
        var initiate = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
        create(initiate);
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(initiate);
        var etags = new List<PartETag>();
        foreach (var (number, from, to) in new[] { (1, 0, 5 * 1024 * 1024), (2, 5 * 1024 * 1024, data.Length) })
        {
            var request = new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = number, InputStream = new MemoryStream(data[from..to]),
            };
            part(request);
            var uploaded = await f.AliceS3.UploadPartAsync(request);
            Assert.Equal(Md5Hex(data[from..to]), uploaded.ETag);
            etags.Add(new PartETag(number, uploaded.ETag));
        }
        await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = etags,
        });
        return (bucket, data);
    }

    [Fact]
    public async Task Multipart_uploads_encrypt_each_part_and_read_across_parts()
    {
        var (bucket, data) = await MultipartAsync("s3", c => c.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256, _ => { });
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "s3");
        Assert.Equal(ServerSideEncryptionMethod.AES256, head.ServerSideEncryptionMethod);
        Assert.Equal(data.Length, head.ContentLength);
        Assert.Equal(data, await GetAsync(bucket, "s3"));
        AssertRange(data, 5 * 1024 * 1024 - 100, 5 * 1024 * 1024 + 100, await GetAsync(bucket, "s3", new ByteRange(5 * 1024 * 1024 - 100, 5 * 1024 * 1024 + 100)));

        var (kmsBucket, kmsData) = await MultipartAsync("kms", c => c.ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS, _ => { });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, (await f.AliceS3.GetObjectMetadataAsync(kmsBucket, "kms")).ServerSideEncryptionMethod);
        AssertRange(kmsData, 5 * 1024 * 1024 - 1, kmsData.Length - 1, await GetAsync(kmsBucket, "kms", new ByteRange(5 * 1024 * 1024 - 1, kmsData.Length - 1)));

        var customer = NewCustomerKey();
        var (cBucket, cData) = await MultipartAsync("c", c =>
        {
            c.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            c.ServerSideEncryptionCustomerProvidedKey = customer.Key;
            c.ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5;
        }, p =>
        {
            p.ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256;
            p.ServerSideEncryptionCustomerProvidedKey = customer.Key;
            p.ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5;
        });
        Assert.Equal(cData, await GetAsync(cBucket, "c", customer: customer));
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => GetAsync(cBucket, "c"));
    }

    [Fact]
    public async Task Parts_of_an_sse_c_upload_need_the_upload_s_key()
    {
        var bucket = await f.AliceBucketAsync("ssem");
        var customer = NewCustomerKey();
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "k", ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        });
        Assert.Equal(customer.Md5, upload.ServerSideEncryptionCustomerProvidedKeyMD5);
        UploadPartRequest Part((string Key, string Md5)? key) => new()
        {
            BucketName = bucket, Key = "k", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Data),
            ServerSideEncryptionCustomerMethod = key is null ? null : ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = key?.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = key?.Md5,
        };
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.UploadPartAsync(Part(null)));
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.UploadPartAsync(Part(NewCustomerKey())));
        Assert.Empty((await f.AliceS3.ListPartsAsync(bucket, "k", upload.UploadId)).Parts ?? []);
        var part = await f.AliceS3.UploadPartAsync(Part(customer));
        Assert.Equal(Md5Hex(Data), part.ETag);

        // A key sent for a part of an upload that is not SSE-C.
        var plain = await f.AliceS3.InitiateMultipartUploadAsync(bucket, "plain");
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "plain", UploadId = plain.UploadId, PartNumber = 1, InputStream = new MemoryStream(Data),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        }));
    }

    [Fact]
    public async Task Copies_re_encrypt_to_the_target_s_encryption()
    {
        var bucket = await f.AliceBucketAsync("ssecp");
        var customer = NewCustomerKey();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", InputStream = new MemoryStream(Data) });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "c", InputStream = new MemoryStream(Data),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        });

        // plain → SSE-S3
        var toS3 = await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "plain", DestinationBucket = bucket, DestinationKey = "s3",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, toS3.ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "s3"));
        // SSE-S3 → plain
        await f.AliceS3.CopyObjectAsync(bucket, "s3", bucket, "back");
        Assert.Equal(ServerSideEncryptionMethod.None, (await f.AliceS3.GetObjectMetadataAsync(bucket, "back")).ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "back"));
        // SSE-C → SSE-KMS, with the source's key
        var toKms = await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "c", DestinationBucket = bucket, DestinationKey = "kms",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = customer.Key, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, toKms.ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "kms"));
        // SSE-C → SSE-C under another key
        var other = NewCustomerKey();
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "c", DestinationBucket = bucket, DestinationKey = "c2",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = customer.Key, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = other.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = other.Md5,
        });
        Assert.Equal(Data, await GetAsync(bucket, "c2", customer: other));
        await S3Expect.ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => GetAsync(bucket, "c2", customer: customer));

        // An SSE-C source without its key, or with another, is refused and nothing is written.
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.CopyObjectAsync(bucket, "c", bucket, "none"));
        await S3Expect.ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "c", DestinationBucket = bucket, DestinationKey = "none",
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = other.Key, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = other.Md5,
        }));
        await AssertNoObjectAsync(bucket, "none");

        // A copy onto itself that changes only the encryption is allowed.
        await f.AliceS3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "plain", DestinationBucket = bucket, DestinationKey = "plain",
            ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await f.AliceS3.GetObjectMetadataAsync(bucket, "plain")).ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "plain"));
    }

    [Fact]
    public async Task Upload_part_copy_decrypts_a_range_of_the_source_and_encrypts_the_part()
    {
        var bucket = await f.AliceBucketAsync("ssecp");
        var customer = NewCustomerKey();
        var source = Pattern(6 * 1024 * 1024, 11);
        await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "src", InputStream = new MemoryStream(source),
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = customer.Key, ServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        });
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "dst", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256,
        });
        CopyPartRequest Copy(int number, long first, long last) => new()
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "dst", UploadId = upload.UploadId,
            PartNumber = number, FirstByte = first, LastByte = last,
            CopySourceServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            CopySourceServerSideEncryptionCustomerProvidedKey = customer.Key, CopySourceServerSideEncryptionCustomerProvidedKeyMD5 = customer.Md5,
        };
        var p1 = await f.AliceS3.CopyPartAsync(Copy(1, 100, 100 + 5 * 1024 * 1024 - 1));
        var p2 = await f.AliceS3.CopyPartAsync(Copy(2, 7, 70_006));
        await f.AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "dst", UploadId = upload.UploadId, PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        });
        var expected = source[100..(100 + 5 * 1024 * 1024)].Concat(source[7..70_007]).ToArray();
        Assert.Equal(expected, await GetAsync(bucket, "dst"));
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await f.AliceS3.GetObjectMetadataAsync(bucket, "dst")).ServerSideEncryptionMethod);
    }

    [Fact]
    public async Task Bucket_default_encryption_is_set_read_applied_and_deleted()
    {
        var bucket = await f.AliceBucketAsync("ssed");
        await AssertNoDefaultEncryptionAsync(bucket);
        await f.AliceS3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules = [new ServerSideEncryptionRule
                {
                    ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 },
                }],
            },
        });
        var got = await f.AliceS3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket });
        Assert.Equal(ServerSideEncryptionMethod.AES256, Assert.Single(got.ServerSideEncryptionConfiguration.ServerSideEncryptionRules).ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm);

        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(Data) });
        Assert.Equal(ServerSideEncryptionMethod.AES256, put.ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "k"));
        var upload = await f.AliceS3.InitiateMultipartUploadAsync(bucket, "m");
        Assert.Equal(ServerSideEncryptionMethod.AES256, upload.ServerSideEncryptionMethod);
        var other = await f.AliceBucketAsync("ssed");
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "plain", InputStream = new MemoryStream(Data) });
        var copy = await f.AliceS3.CopyObjectAsync(other, "plain", bucket, "copy");
        Assert.Equal(ServerSideEncryptionMethod.AES256, copy.ServerSideEncryptionMethod);
        // A request that names its own encryption wins over the default.
        var kms = await f.AliceS3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "kms", InputStream = new MemoryStream(Data), ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        });
        Assert.Equal(ServerSideEncryptionMethod.AWSKMS, kms.ServerSideEncryptionMethod);

        // A default of SSE-KMS with a named key and a bucket key.
        var key = await f.Host.Keys.CreateKeyAsync(f.Alice.AccountId, "default", CancellationToken.None);
        using var raw = f.Raw(f.Alice);
        var xml = "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Rule><ApplyServerSideEncryptionByDefault>"
                  + $"<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>{key.Arn}</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
                  + "<BucketKeyEnabled>true</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>";
        Assert.Equal(HttpStatusCode.OK, (await raw.SendAsync(HttpMethod.Put, $"/{bucket}?encryption", Encoding.UTF8.GetBytes(xml))).StatusCode);
        var rule = Assert.Single((await f.AliceS3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket })).ServerSideEncryptionConfiguration.ServerSideEncryptionRules);
        Assert.Equal(key.Arn, rule.ServerSideEncryptionByDefault.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(rule.BucketKeyEnabled);
        var byKms = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k2", InputStream = new MemoryStream(Data) });
        Assert.Equal(key.Arn, byKms.ServerSideEncryptionKeyManagementServiceKeyId);
        Assert.True(byKms.BucketKeyEnabled);
        Assert.Equal(Data, await GetAsync(bucket, "k2"));

        // Only the owner may set, read or delete it.
        await S3Expect.DeniedAsync(() => f.BobS3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket }));

        await f.AliceS3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = bucket });
        await AssertNoDefaultEncryptionAsync(bucket);
        var after = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "after", InputStream = new MemoryStream(Data) });
        Assert.True(string.IsNullOrEmpty(after.ServerSideEncryptionMethod?.Value));
        // Objects written under the default keep their encryption.
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await f.AliceS3.GetObjectMetadataAsync(bucket, "k")).ServerSideEncryptionMethod);
    }

    public static TheoryData<string, string> BadConfigurations() => new()
    {
        { "MalformedXML", "<ServerSideEncryptionConfiguration><Rule>" },
        { "MalformedXML", "<ServerSideEncryptionConfiguration></ServerSideEncryptionConfiguration>" },
        { "MalformedXML", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES128</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>" },
        { "MalformedXML", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>" },
        { "MalformedXML", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>yes</BucketKeyEnabled></Rule></ServerSideEncryptionConfiguration>" },
        { "InvalidArgument", "<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm><KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>" },
        { "MalformedXML", "<Other/>" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task A_bad_encryption_configuration_is_refused_and_changes_nothing(string code, string xml)
    {
        var bucket = await f.AliceBucketAsync("ssed");
        using var raw = f.Raw(f.Alice);
        await S3Expect.RawErrorAsync(await raw.SendAsync(HttpMethod.Put, $"/{bucket}?encryption", Encoding.UTF8.GetBytes(xml)), HttpStatusCode.BadRequest, code);
        await AssertNoDefaultEncryptionAsync(bucket);
    }

    [Fact]
    public async Task A_browser_post_takes_the_bucket_default_encryption()
    {
        var bucket = await f.AliceBucketAsync("ssed");
        await f.AliceS3.PutBucketEncryptionAsync(new PutBucketEncryptionRequest
        {
            BucketName = bucket,
            ServerSideEncryptionConfiguration = new ServerSideEncryptionConfiguration
            {
                ServerSideEncryptionRules = [new ServerSideEncryptionRule
                {
                    ServerSideEncryptionByDefault = new ServerSideEncryptionByDefault { ServerSideEncryptionAlgorithm = ServerSideEncryptionMethod.AES256 },
                }],
            },
        });
        // Anonymous POST into a bucket that allows public writes is the simplest POST; grant it through the ACL.
        await f.AliceS3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite });
        using var http = new HttpClient();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("posted"), "key" },
            { new ByteArrayContent(Data), "file", "f.bin" },
        };
        var response = await http.PostAsync(new Uri(f.Host.Endpoint, $"/{bucket}"), form);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("AES256", response.Headers.GetValues("x-amz-server-side-encryption").Single());
        Assert.Equal(ServerSideEncryptionMethod.AES256, (await f.AliceS3.GetObjectMetadataAsync(bucket, "posted")).ServerSideEncryptionMethod);
        Assert.Equal(Data, await GetAsync(bucket, "posted"));
    }

    [Fact]
    public async Task Boto3_reads_and_writes_each_encryption()
    {
        var bucket = await f.AliceBucketAsync("sseboto");
        await f.RunBoto3ScriptAsync("boto3_encryption.py", bucket);
    }
}

public sealed class SqliteEncryptionTests(SqliteWalrusFixture f) : EncryptionTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresEncryptionTests(PostgresWalrusFixture f) : EncryptionTests(f), IClassFixture<PostgresWalrusFixture>;
