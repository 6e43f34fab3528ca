using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Clc.Identity;

namespace Ironbark.Walrus.Tests;

/// <summary>Presigned URLs used by a plain HTTP client: SigV4 from the SDK, SigV2 (Expires + HMAC-SHA1) built by hand.</summary>
public abstract class PresignedUrlTests(WalrusFixture f) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private async Task<string> BucketAsync(params string[] keys)
    {
        var bucket = WalrusFixture.NewBucketName("pre");
        await f.AliceS3.PutBucketAsync(bucket);
        foreach (var key in keys)
            await S3Expect.PutTextAsync(f.AliceS3, bucket, key, "body of " + key);
        return bucket;
    }

    private string PresignV4(IAmazonS3 client, string bucket, string key, HttpVerb verb, TimeSpan lifetime, string? contentType = null) =>
        client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = verb, Expires = DateTime.UtcNow.Add(lifetime), Protocol = Protocol.HTTP, ContentType = contentType,
        });

    /// <summary>A SigV2 query-string-authenticated URL: Signature = Base64(HMAC-SHA1(secret, StringToSign)).</summary>
    private string PresignV2(AccessKey key, string method, string bucket, string objectKey, long expires, string contentType = "", string subresource = "")
    {
        var resource = $"/{bucket}/{Uri.EscapeDataString(objectKey)}";
        var stringToSign = $"{method}\n\n{contentType}\n{expires}\n{resource}{(subresource.Length > 0 ? "?" + subresource : "")}";
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(key.SecretAccessKey), Encoding.UTF8.GetBytes(stringToSign)));
        var query = $"AWSAccessKeyId={key.AccessKeyId}&Expires={expires}&Signature={Uri.EscapeDataString(signature)}";
        return $"{f.Host.Endpoint.ToString().TrimEnd('/')}{resource}?{(subresource.Length > 0 ? subresource + "&" : "")}{query}";
    }

    private static long InSeconds(int seconds) => DateTimeOffset.UtcNow.ToUnixTimeSeconds() + seconds;

    private async Task<HttpResponseMessage> PutAsync(string url, string body, string? contentType = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await _http.PutAsync(url, content);
    }

    [Fact]
    public async Task SigV4_presigned_get_and_put_work_for_a_plain_http_client()
    {
        var bucket = await BucketAsync("read me.txt");
        using var get = await _http.GetAsync(PresignV4(f.AliceS3, bucket, "read me.txt", HttpVerb.GET, TimeSpan.FromMinutes(5)));
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("body of read me.txt", await get.Content.ReadAsStringAsync());

        var putUrl = PresignV4(f.AliceS3, bucket, "dir/uploaded.json", HttpVerb.PUT, TimeSpan.FromMinutes(5), "application/json");
        using (var put = await PutAsync(putUrl, "{\"a\":1}", "application/json"))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var stored = await f.AliceS3.GetObjectAsync(bucket, "dir/uploaded.json");
        Assert.Equal("application/json", stored.Headers.ContentType);
        Assert.Equal("{\"a\":1}", await S3Expect.ReadAsync(f.AliceS3, bucket, "dir/uploaded.json"));
    }

    [Fact]
    public async Task SigV4_presigned_urls_that_are_altered_expired_or_not_the_signers_to_give_are_refused()
    {
        var bucket = await BucketAsync("k", "other");
        var url = PresignV4(f.AliceS3, bucket, "k", HttpVerb.GET, TimeSpan.FromMinutes(5));
        using (var altered = await _http.GetAsync(url.Replace($"/{bucket}/k?", $"/{bucket}/other?")))
            await S3Expect.RawErrorAsync(altered, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        // A PUT URL does not allow a GET, and a GET URL does not allow a PUT.
        using (var wrongVerb = await PutAsync(url, "overwrite"))
            await S3Expect.RawErrorAsync(wrongVerb, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.Equal("body of k", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));

        // Bob can sign a URL, but it carries only bob's rights.
        using (var bobs = await _http.GetAsync(PresignV4(f.BobS3, bucket, "k", HttpVerb.GET, TimeSpan.FromMinutes(5))))
            await S3Expect.RawErrorAsync(bobs, HttpStatusCode.Forbidden, "AccessDenied");

        var shortLived = PresignV4(f.AliceS3, bucket, "k", HttpVerb.GET, TimeSpan.FromSeconds(1));
        await S3Expect.EventuallyAsync(async () =>
        {
            using var response = await _http.GetAsync(shortLived);
            return response.StatusCode == HttpStatusCode.Forbidden;
        }, "the URL expires", seconds: 5);
        using var expired = await _http.GetAsync(shortLived);
        await S3Expect.RawErrorAsync(expired, HttpStatusCode.Forbidden, "AccessDenied");
    }

    [Fact]
    public async Task SigV2_presigned_get_and_put_built_by_hand()
    {
        var bucket = await BucketAsync("photo 1.jpg");
        using (var get = await _http.GetAsync(PresignV2(f.Alice, "GET", bucket, "photo 1.jpg", InSeconds(300))))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("body of photo 1.jpg", await get.Content.ReadAsStringAsync());
        }

        using (var put = await PutAsync(PresignV2(f.Alice, "PUT", bucket, "notes.txt", InSeconds(300), "text/plain"), "written with v2", "text/plain"))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("written with v2", await S3Expect.ReadAsync(f.AliceS3, bucket, "notes.txt"));

        // A signed sub-resource is part of the string to sign.
        using var acl = await _http.GetAsync(PresignV2(f.Alice, "GET", bucket, "notes.txt", InSeconds(300), subresource: "acl"));
        Assert.Equal(HttpStatusCode.OK, acl.StatusCode);
        Assert.Contains("FULL_CONTROL", await acl.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SigV2_presigned_urls_that_are_expired_altered_or_mistyped_are_refused()
    {
        var bucket = await BucketAsync("k");
        using (var expired = await _http.GetAsync(PresignV2(f.Alice, "GET", bucket, "k", InSeconds(-10))))
            await S3Expect.RawErrorAsync(expired, HttpStatusCode.Forbidden, "AccessDenied");
        using (var altered = await _http.GetAsync(PresignV2(f.Alice, "GET", bucket, "k", InSeconds(300)).Replace("Expires=", "Expires=1")))
            await S3Expect.RawErrorAsync(altered, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        // The content type is signed: a PUT with another type does not match.
        using (var mistyped = await PutAsync(PresignV2(f.Alice, "PUT", bucket, "k", InSeconds(300), "text/plain"), "changed", "text/html"))
            await S3Expect.RawErrorAsync(mistyped, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        using (var bobs = await _http.GetAsync(PresignV2(f.Bob, "GET", bucket, "k", InSeconds(300))))
            await S3Expect.RawErrorAsync(bobs, HttpStatusCode.Forbidden, "AccessDenied");
        using (var unknownKey = await _http.GetAsync(PresignV2(f.Alice with { AccessKeyId = "AKIAUNKNOWNUNKNOWN00" }, "GET", bucket, "k", InSeconds(300))))
            await S3Expect.RawErrorAsync(unknownKey, HttpStatusCode.Forbidden, "InvalidAccessKeyId");
        Assert.Equal("body of k", await S3Expect.ReadAsync(f.AliceS3, bucket, "k"));
    }
}

public sealed class SqlitePresignedUrlTests(SqliteWalrusFixture f) : PresignedUrlTests(f), IClassFixture<SqliteWalrusFixture>;
