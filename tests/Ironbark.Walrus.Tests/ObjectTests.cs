using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject: ranges, conditions, headers and Content-MD5.</summary>
public abstract class ObjectTests(WalrusFixture f)
{
    private const string Alphabet = "0123456789abcdefghij";

    private static string Md5Hex(string s) => Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(s)));

    [Fact]
    public async Task Put_get_head_delete_with_an_awkward_key()
    {
        var bucket = await f.AliceBucketAsync();
        const string key = "dir/a b+c%d é ü/ü.txt";
        var body = "some text " + Guid.NewGuid();
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });
        Assert.Equal($"\"{Md5Hex(body)}\"", put.ETag);

        Assert.Equal(body, await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, key));
        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, key);
        Assert.Equal(Encoding.UTF8.GetByteCount(body), head.ContentLength);
        Assert.Equal(put.ETag, head.ETag);
        Assert.True(head.LastModified > DateTime.UtcNow.AddMinutes(-5));

        var list = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(key, Assert.Single(list.S3Objects).Key);

        var deleted = await f.AliceS3.DeleteObjectAsync(bucket, key);
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, key));
        var missingHead = await Assert.ThrowsAnyAsync<Amazon.S3.AmazonS3Exception>(() => f.AliceS3.GetObjectMetadataAsync(bucket, key));
        Assert.Equal(HttpStatusCode.NotFound, missingHead.StatusCode);
        // Deleting what is not there succeeds, as on S3.
        Assert.Equal(HttpStatusCode.NoContent, (await f.AliceS3.DeleteObjectAsync(bucket, key)).HttpStatusCode);
    }

    [Fact]
    public async Task Overwrite_replaces_the_whole_object()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first version, longer" });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "second" });
        Assert.Equal("second", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task Empty_object_round_trips()
    {
        var bucket = await f.AliceBucketAsync();
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "empty", ContentBody = "" });
        Assert.Equal("\"d41d8cd98f00b204e9800998ecf8427e\"", put.ETag);
        Assert.Equal("", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "empty"));
    }

    [Theory]
    [InlineData("bytes=2-5", "2345", "bytes 2-5/20")]
    [InlineData("bytes=15-", "fghij", "bytes 15-19/20")]
    [InlineData("bytes=-4", "ghij", "bytes 16-19/20")]
    [InlineData("bytes=-50", Alphabet, "bytes 0-19/20")]
    [InlineData("bytes=10-1000", "abcdefghij", "bytes 10-19/20")]
    [InlineData("bytes=19-19", "j", "bytes 19-19/20")]
    public async Task Range_gets_return_206_with_the_bytes_asked_for(string range, string expected, string contentRange)
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "abc", ContentBody = Alphabet });
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Get, $"/{bucket}/abc");
        request.Headers["range"] = range;
        using var response = await raw.SendAsync(request);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync());
        Assert.Equal(contentRange, response.Content.Headers.GetValues("Content-Range").Single());
        Assert.Equal(expected.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task Range_get_through_the_sdk()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "abc", ContentBody = Alphabet });
        using var get = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "abc", ByteRange = new ByteRange(3, 7) });
        using var reader = new StreamReader(get.ResponseStream);
        Assert.Equal("34567", await reader.ReadToEndAsync());
        Assert.Equal(HttpStatusCode.PartialContent, get.HttpStatusCode);
        Assert.Equal("bytes 3-7/20", get.ContentRange);
    }

    [Theory]
    [InlineData("bytes=20-")]
    [InlineData("bytes=25-30")]
    [InlineData("bytes=-0")]
    public async Task Unsatisfiable_ranges_are_InvalidRange_416(string range)
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "abc", ContentBody = Alphabet });
        using var raw = f.Raw(f.Alice);
        var request = new RawS3.Request(HttpMethod.Get, $"/{bucket}/abc");
        request.Headers["range"] = range;
        using var response = await raw.SendAsync(request);
        var error = await S3Assert.ErrorAsync(response, "InvalidRange", HttpStatusCode.RequestedRangeNotSatisfiable);
        Assert.Equal("20", error.Element("ActualObjectSize")?.Value);
    }

    [Fact]
    public async Task Conditional_get_and_head()
    {
        var bucket = await f.AliceBucketAsync();
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "c", ContentBody = "conditional" });
        var etag = put.ETag;
        var lastModified = (await f.AliceS3.GetObjectMetadataAsync(bucket, "c")).LastModified!.Value.ToUniversalTime();
        var http = lastModified.ToString("R", CultureInfo.InvariantCulture);
        var hourBefore = lastModified.AddHours(-1).ToString("R", CultureInfo.InvariantCulture);
        using var raw = f.Raw(f.Alice);

        async Task<HttpStatusCode> Status(HttpMethod method, string header, string value, string? code = null)
        {
            var request = new RawS3.Request(method, $"/{bucket}/c");
            request.Headers[header] = value;
            using var response = await raw.SendAsync(request);
            if (code is not null && method == HttpMethod.Get)
                await S3Assert.ErrorAsync(response, code, response.StatusCode);
            if (response.StatusCode == HttpStatusCode.NotModified)
            {
                Assert.Equal(etag, response.Headers.ETag?.ToString());
                Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            }
            return response.StatusCode;
        }

        foreach (var method in new[] { HttpMethod.Get, HttpMethod.Head })
        {
            Assert.Equal(HttpStatusCode.OK, await Status(method, "if-match", etag));
            Assert.Equal(HttpStatusCode.OK, await Status(method, "if-match", "*"));
            Assert.Equal(HttpStatusCode.PreconditionFailed, await Status(method, "if-match", "\"0123456789abcdef0123456789abcdef\"", "PreconditionFailed"));
            Assert.Equal(HttpStatusCode.NotModified, await Status(method, "if-none-match", etag));
            Assert.Equal(HttpStatusCode.OK, await Status(method, "if-none-match", "\"0123456789abcdef0123456789abcdef\""));
            Assert.Equal(HttpStatusCode.NotModified, await Status(method, "if-modified-since", http));
            Assert.Equal(HttpStatusCode.OK, await Status(method, "if-modified-since", hourBefore));
            Assert.Equal(HttpStatusCode.PreconditionFailed, await Status(method, "if-unmodified-since", hourBefore, "PreconditionFailed"));
            Assert.Equal(HttpStatusCode.OK, await Status(method, "if-unmodified-since", http));
        }

        // The SDK's own condition properties reach the server the same way.
        await S3Assert.FailsAsync("PreconditionFailed", HttpStatusCode.PreconditionFailed, () =>
            f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToMatch = "\"0123456789abcdef0123456789abcdef\"" }));
        var notModified = await Assert.ThrowsAnyAsync<Amazon.S3.AmazonS3Exception>(() =>
            f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "c", EtagToNotMatch = etag }));
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task Metadata_and_standard_headers_round_trip()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        var put = new RawS3.Request(HttpMethod.Put, $"/{bucket}/doc") { Body = "{\"a\":1}"u8.ToArray() };
        put.Headers["content-type"] = "application/json";
        put.Headers["content-disposition"] = "attachment; filename=\"doc.json\"";
        put.Headers["content-encoding"] = "identity";
        put.Headers["content-language"] = "de-AT";
        put.Headers["cache-control"] = "max-age=60, private";
        put.Headers["expires"] = "Wed, 21 Oct 2037 07:28:00 GMT";
        put.Headers["x-amz-meta-colour"] = "blue";
        put.Headers["x-amz-meta-Mixed-Case"] = "Value With Spaces";
        using (var response = await raw.SendAsync(put))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var head = await f.AliceS3.GetObjectMetadataAsync(bucket, "doc");
        Assert.Equal("application/json", head.Headers.ContentType);
        Assert.Equal("attachment; filename=\"doc.json\"", head.Headers.ContentDisposition);
        Assert.Equal("identity", head.Headers.ContentEncoding);
        Assert.Equal("max-age=60, private", head.Headers.CacheControl);
        Assert.Equal("blue", head.Metadata["colour"]);
        Assert.Equal("Value With Spaces", head.Metadata["mixed-case"]);

        using var get = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/doc");
        Assert.Equal("{\"a\":1}", await get.Content.ReadAsStringAsync());
        var content = get.Content.Headers;
        Assert.Equal("application/json", content.ContentType?.ToString());
        Assert.Equal("de-AT", content.ContentLanguage.Single());
        Assert.Equal("Wed, 21 Oct 2037 07:28:00 GMT", content.GetValues("Expires").Single());
        Assert.Equal("blue", get.Headers.GetValues("x-amz-meta-colour").Single());
        Assert.Equal("Value With Spaces", get.Headers.GetValues("x-amz-meta-mixed-case").Single());
        Assert.Equal("bytes", get.Headers.AcceptRanges.Single());
    }

    [Fact]
    public async Task Response_header_overrides_apply_to_signed_gets()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "data", ContentType = "text/plain" });
        var request = new GetObjectRequest { BucketName = bucket, Key = "k" };
        request.ResponseHeaderOverrides.ContentType = "application/x-override";
        request.ResponseHeaderOverrides.ContentDisposition = "attachment; filename=\"x.bin\"";
        request.ResponseHeaderOverrides.CacheControl = "no-cache";
        using var get = await f.AliceS3.GetObjectAsync(request);
        Assert.Equal("application/x-override", get.Headers.ContentType);
        Assert.Equal("attachment; filename=\"x.bin\"", get.Headers.ContentDisposition);
        Assert.Equal("no-cache", get.Headers.CacheControl);
        Assert.Equal("text/plain", (await f.AliceS3.GetObjectMetadataAsync(bucket, "k")).Headers.ContentType);
    }

    [Fact]
    public async Task Content_md5_is_verified()
    {
        var bucket = await f.AliceBucketAsync();
        var good = Convert.ToBase64String(MD5.HashData("payload"u8));
        var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ok", ContentBody = "payload", MD5Digest = good });
        Assert.Equal($"\"{Md5Hex("payload")}\"", put.ETag);

        var wrong = Convert.ToBase64String(MD5.HashData("something else"u8));
        await S3Assert.FailsAsync("BadDigest", HttpStatusCode.BadRequest, () =>
            f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "bad", ContentBody = "payload", MD5Digest = wrong }));
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "bad"));

        using var raw = f.Raw(f.Alice);
        foreach (var invalid in new[] { "not base64!!", Convert.ToBase64String([1, 2, 3]) })
        {
            var request = new RawS3.Request(HttpMethod.Put, $"/{bucket}/invalid") { Body = "payload"u8.ToArray() };
            request.Headers["content-md5"] = invalid;
            using var response = await raw.SendAsync(request);
            await S3Assert.ErrorAsync(response, "InvalidDigest", HttpStatusCode.BadRequest);
        }
        await S3Assert.FailsAsync("NoSuchKey", HttpStatusCode.NotFound, () => f.AliceS3.GetObjectAsync(bucket, "invalid"));
    }

    [Fact]
    public async Task Missing_bucket_and_foreign_access()
    {
        var bucket = await f.AliceBucketAsync();
        await S3Assert.FailsAsync("NoSuchBucket", HttpStatusCode.NotFound, () =>
            f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = WalrusFixture.NewBucketName(), Key = "k", ContentBody = "x" }));
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () =>
            f.BobS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" }));
        // Without list permission a missing key is AccessDenied, not NoSuchKey, so keys cannot be probed.
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.GetObjectAsync(bucket, "nothing"));
        await S3Assert.FailsAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.BobS3.DeleteObjectAsync(bucket, "k"));
    }
}

public sealed class SqliteObjectTests(SqliteWalrusFixture f) : ObjectTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresObjectTests(PostgresWalrusFixture f) : ObjectTests(f), IClassFixture<PostgresWalrusFixture>;
