using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Clc.Identity;
using Ironbark.Common.Data;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// SigV4 (header, presigned, payload hashes, streaming aws-chunked) and SigV2 (header, query):
/// what is accepted, what is refused with which code, and that a refused upload stores nothing.
/// </summary>
public abstract class AuthenticationTests(WalrusFixture f)
{
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes("authenticated payload");

    private async Task AssertAbsentAsync(string bucket, string key) =>
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, key));

    [Fact]
    public async Task Wrong_secret_is_SignatureDoesNotMatch()
    {
        var bucket = await f.AliceBucketAsync();
        using var wrong = f.Host.Client(new BasicAWSCredentials(f.Alice.AccessKeyId, "wrong" + f.Alice.SecretAccessKey));
        await S3Assert.FailsAsync("SignatureDoesNotMatch", HttpStatusCode.Forbidden, () =>
            wrong.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }));
        await AssertAbsentAsync(bucket, "k");

        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(new RawS3.Request(HttpMethod.Get, $"/{bucket}") { Secret = "not the secret" });
        await S3Assert.ErrorAsync(response, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_key_deleted_by_another_process_is_refused_within_the_key_cache_lifetime()
    {
        var key = await f.Host.Accounts.CreateAccessKeyAsync("alice");
        using var s3 = f.Host.Client(key);
        // Twice: the key, its secret and its SigV4 signing key are now cached in Walrus.
        await s3.ListBucketsAsync();
        await s3.ListBucketsAsync();

        // `ironbark admin delete-access-key` runs in its own process: it shares the database, not Walrus's caches.
        await using (var db = new Database(DatabaseOptions.For(f.Host.DataDir, "identity.db", f.Host.Options.PostgresConnectionString)))
        {
            var admin = new AccountStore(db, SecretProtector.LoadOrCreate(Path.Combine(f.Host.DataDir, "keys", "secrets.key")));
            Assert.True(await admin.DeleteAccessKeyAsync(key.AccessKeyId));
        }
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await s3.ListBucketsAsync();
            }
            catch (AmazonS3Exception e)
            {
                Assert.Equal("InvalidAccessKeyId", e.ErrorCode);
                break;
            }
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(7), "The deleted key still works after the 5 s cache lifetime.");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Unknown_key_is_InvalidAccessKeyId()
    {
        using var unknown = f.Host.Client(new BasicAWSCredentials("AKIAUNKNOWNUNKNOWN00", "secret"));
        await S3Assert.FailsAsync("InvalidAccessKeyId", HttpStatusCode.Forbidden, () => unknown.ListBucketsAsync());
    }

    [Theory]
    [InlineData(-20)]
    [InlineData(20)]
    public async Task A_clock_20_minutes_off_is_RequestTimeTooSkewed(int minutes)
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k")
        {
            Body = Payload, Time = DateTimeOffset.UtcNow.AddMinutes(minutes),
        });
        await S3Assert.ErrorAsync(response, "RequestTimeTooSkewed", HttpStatusCode.Forbidden);
        await AssertAbsentAsync(bucket, "k");
    }

    [Fact]
    public async Task A_body_that_does_not_match_its_signed_sha256_is_refused_and_not_stored()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k")
        {
            Body = Payload, PayloadHash = RawS3.Hex(SHA256.HashData("a different body"u8)),
        });
        await S3Assert.ErrorAsync(response, "XAmzContentSHA256Mismatch", HttpStatusCode.BadRequest);
        await AssertAbsentAsync(bucket, "k");
    }

    [Fact]
    public async Task Signed_and_unsigned_payloads_are_accepted()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using (var signed = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/signed", Payload))
            Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
        using (var unsigned = await raw.SendAsync(new RawS3.Request(HttpMethod.Put, $"/{bucket}/unsigned") { Body = Payload, PayloadHash = "UNSIGNED-PAYLOAD" }))
            Assert.Equal(HttpStatusCode.OK, unsigned.StatusCode);
        Assert.Equal("authenticated payload", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "signed"));
        Assert.Equal("authenticated payload", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "unsigned"));

        // The SDK's own paths (it refuses unsigned payloads over plain HTTP, so that one is only tested raw above).
        foreach (var (key, chunked) in new[] { ("sdk-default", false), ("sdk-chunked", true) })
        {
            await f.AliceS3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = key, InputStream = new MemoryStream(Payload), UseChunkEncoding = chunked,
            });
            Assert.Equal("authenticated payload", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, key));
            var head = await f.AliceS3.GetObjectMetadataAsync(bucket, key);
            Assert.Equal(Payload.Length, head.ContentLength);
            Assert.Null(head.Headers.ContentEncoding);
        }

        // Several chunks, so the SDK's chained chunk signatures are checked one after another.
        var recorder = new PayloadModeRecorder();
        using var recorded = f.Host.Client(f.Alice, c => c.HttpClientFactory = recorder);
        var large = RandomNumberGenerator.GetBytes(300 * 1024);
        var put = await recorded.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "sdk-large", InputStream = new MemoryStream(large), UseChunkEncoding = true });
        Assert.StartsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", Assert.Single(recorder.Modes));
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(large))}\"", put.ETag);
        Assert.Equal(large.Length, (await f.AliceS3.GetObjectMetadataAsync(bucket, "sdk-large")).ContentLength);
    }

    [Fact]
    public async Task Streaming_chunked_upload_with_chained_signatures()
    {
        var bucket = await f.AliceBucketAsync();
        var data = RandomNumberGenerator.GetBytes(20000);
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(raw.StreamingPut($"/{bucket}/streamed", data, 8192));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(data))}\"", response.Headers.ETag?.ToString());
        using var get = await f.AliceS3.GetObjectAsync(bucket, "streamed");
        using var buffer = new MemoryStream();
        await get.ResponseStream.CopyToAsync(buffer);
        Assert.Equal(data, buffer.ToArray());
        Assert.Null(get.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    public async Task A_tampered_chunk_signature_stores_nothing(int tamperedChunk)
    {
        var bucket = await f.AliceBucketAsync();
        var data = RandomNumberGenerator.GetBytes(20000);
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(raw.StreamingPut($"/{bucket}/streamed", data, 8192,
            (i, signature) => i == tamperedChunk ? new string('0', 64) : signature));
        await S3Assert.ErrorAsync(response, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
        await AssertAbsentAsync(bucket, "streamed");
    }

    [Fact]
    public async Task Presigned_get_and_put_from_the_sdk()
    {
        var bucket = await f.AliceBucketAsync();
        string Presign(HttpVerb verb, string key) => f.AliceS3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = verb, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using var http = new HttpClient();
        using (var put = await http.PutAsync(Presign(HttpVerb.PUT, "pre signed"), new ByteArrayContent(Payload)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("authenticated payload", await http.GetStringAsync(Presign(HttpVerb.GET, "pre signed")));
        using (var put = await http.PutAsync(Presign(HttpVerb.PUT, "dir/ü+&=.txt"), new ByteArrayContent(Payload)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("authenticated payload", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "dir/ü+&=.txt"));

        // Another object's URL does not open this one.
        var other = Presign(HttpVerb.GET, "other").Replace("/other?", "/pre%20signed?", StringComparison.Ordinal);
        using var forged = await http.GetAsync(other);
        await S3Assert.ErrorAsync(forged, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Presigned_urls_signed_here_work_until_they_expire()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "presigned" });
        using var raw = f.Raw(f.Alice);
        using var http = new HttpClient();
        Assert.Equal("presigned", await http.GetStringAsync(raw.PresignV4("GET", $"/{bucket}/k", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));
        using var expired = await http.GetAsync(raw.PresignV4("GET", $"/{bucket}/k", DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromMinutes(60)));
        await S3Assert.ErrorAsync(expired, "AccessDenied", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task SigV2_header_and_query_authentication()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using (var put = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}/v2", Payload, "text/plain")))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "v2");
        Assert.Equal("text/plain", head.Headers.ContentType);
        using (var get = await raw.SendAsync(raw.SignV2(HttpMethod.Get, $"/{bucket}/v2")))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("authenticated payload", await get.Content.ReadAsStringAsync());
        }
        using (var wrong = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}/v2-wrong", Payload, "text/plain", secretOverride: "nope")))
            await S3Assert.ErrorAsync(wrong, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
        await AssertAbsentAsync(bucket, "v2-wrong");

        using var http = new HttpClient();
        Assert.Equal("authenticated payload", await http.GetStringAsync(raw.PresignV2($"/{bucket}/v2", DateTimeOffset.UtcNow.AddMinutes(5))));
        using (var expired = await http.GetAsync(raw.PresignV2($"/{bucket}/v2", DateTimeOffset.UtcNow.AddMinutes(-5))))
            await S3Assert.ErrorAsync(expired, "AccessDenied", HttpStatusCode.Forbidden);
        var tampered = raw.PresignV2($"/{bucket}/v2", DateTimeOffset.UtcNow.AddMinutes(5)).Replace("Expires=", "Expires=1", StringComparison.Ordinal);
        using (var bad = await http.GetAsync(tampered))
            await S3Assert.ErrorAsync(bad, "SignatureDoesNotMatch", HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_truncated_body_leaves_no_object(bool reset)
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        var full = new byte[1000];
        var (message, _) = raw.SignV4(new RawS3.Request(HttpMethod.Put, $"/{bucket}/partial") { Body = full });
        var head = new StringBuilder($"PUT /{bucket}/partial HTTP/1.1\r\nHost: {raw.Endpoint.Authority}\r\nContent-Length: {full.Length}\r\n");
        foreach (var (name, values) in message.Headers)
            head.Append(name).Append(": ").Append(string.Join(',', values)).Append("\r\n");
        head.Append("\r\n");

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(raw.Endpoint.Host, raw.Endpoint.Port);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
            await stream.WriteAsync(full.AsMemory(0, 100));
            await stream.FlushAsync();
            if (reset)
                tcp.Client.LingerState = new LingerOption(true, 0);
            else
            {
                tcp.Client.Shutdown(SocketShutdown.Send);
                var answer = new byte[4096];
                int read;
                try
                {
                    read = await stream.ReadAsync(answer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (IOException)
                {
                    read = 0; // Kestrel may reset the connection instead of answering.
                }
                var text = Encoding.ASCII.GetString(answer, 0, read);
                Assert.True(read == 0 || text.StartsWith("HTTP/1.1 400", StringComparison.Ordinal), text);
            }
        }
        await AssertAbsentAsync(bucket, "partial");
        // The partial bytes went to a temp file, which is removed once the request has failed.
        var tmp = Path.Combine(f.Host.DataDir, "walrus", "tmp");
        for (var i = 0; i < 100 && Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Any(); i++)
            await Task.Delay(50);
        Assert.Empty(Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(19999)]
    [InlineData(20001)]
    public async Task A_streaming_body_longer_or_shorter_than_declared_is_IncompleteBody(long declared)
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(raw.StreamingPut($"/{bucket}/streamed", RandomNumberGenerator.GetBytes(20000), 8192, declaredLength: declared));
        await S3Assert.ErrorAsync(response, "IncompleteBody", HttpStatusCode.BadRequest);
        await AssertAbsentAsync(bucket, "streamed");
    }

    [Fact]
    public async Task A_body_without_a_length_is_MissingContentLength()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        var (message, _) = raw.SignV4(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = Payload, PayloadHash = "UNSIGNED-PAYLOAD" });
        // A stream of unknown length goes out with Transfer-Encoding: chunked and no Content-Length.
        message.Content = new StreamContent(new UnseekableStream(Payload));
        using var response = await raw.SendAsync(message);
        await S3Assert.ErrorAsync(response, "MissingContentLength", HttpStatusCode.LengthRequired);
        await AssertAbsentAsync(bucket, "k");
    }

    [Fact]
    public async Task SigV2_with_a_skewed_date_is_RequestTimeTooSkewed()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(raw.SignV2(HttpMethod.Put, $"/{bucket}/k", Payload, time: DateTimeOffset.UtcNow.AddMinutes(-20)));
        await S3Assert.ErrorAsync(response, "RequestTimeTooSkewed", HttpStatusCode.Forbidden);
        await AssertAbsentAsync(bucket, "k");
    }

    [Fact]
    public async Task Virtual_hosted_style_requests_with_SigV4_and_SigV2()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        var host = $"{bucket}.s3.ironbark.localhost:{f.Host.Endpoint.Port}";
        using (var put = await raw.SendAsync(new RawS3.Request(HttpMethod.Put, "/dir/virtual%20key") { Body = Payload, Host = host }))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("authenticated payload", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "dir/virtual key"));
        using (var list = await raw.SendAsync(new RawS3.Request(HttpMethod.Get, "/?list-type=2") { Host = host }))
            Assert.Contains("<Key>dir/virtual key</Key>", await list.Content.ReadAsStringAsync());

        var v2 = raw.SignV2(HttpMethod.Get, "/dir/virtual%20key", resource: $"/{bucket}/dir/virtual%20key");
        v2.Headers.Host = host;
        using var get = await raw.SendAsync(v2);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("authenticated payload", await get.Content.ReadAsStringAsync());
    }

    private sealed class UnseekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}

public sealed class SqliteAuthenticationTests(SqliteWalrusFixture f) : AuthenticationTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresAuthenticationTests(PostgresWalrusFixture f) : AuthenticationTests(f), IClassFixture<PostgresWalrusFixture>;
