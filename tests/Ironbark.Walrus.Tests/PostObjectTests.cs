using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Clc.Identity;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Browser-style POST uploads: multipart/form-data with a policy signed by SigV4 or SigV2, its
/// conditions enforced, and nothing stored when the form is refused.
/// </summary>
public abstract class PostObjectTests(WalrusFixture f) : IDisposable
{
    private readonly HttpClient _http = new();

    public void Dispose() => _http.Dispose();

    private async Task<string> BucketAsync()
    {
        var bucket = WalrusFixture.NewBucketName("post");
        await f.AliceS3.PutBucketAsync(bucket);
        return bucket;
    }

    /// <summary>A policy document: expiration plus conditions (objects for exact matches, arrays for the rest), base64.</summary>
    private static string Policy(DateTime expiration, params object[] conditions) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["expiration"] = expiration.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            ["conditions"] = conditions,
        })));

    private static Dictionary<string, string> Eq(string field, string value) => new() { [field] = value };

    /// <summary>The SigV4 form fields for <paramref name="key"/>, and the conditions a policy needs to admit them.</summary>
    private static (List<(string, string)> Fields, object[] Conditions) V4Fields(AccessKey key)
    {
        var now = DateTime.UtcNow;
        var credential = $"{key.AccessKeyId}/{now:yyyyMMdd}/ironbark/s3/aws4_request";
        var amzDate = now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        return ([("x-amz-algorithm", "AWS4-HMAC-SHA256"), ("x-amz-credential", credential), ("x-amz-date", amzDate)],
            [Eq("x-amz-algorithm", "AWS4-HMAC-SHA256"), Eq("x-amz-credential", credential), Eq("x-amz-date", amzDate)]);
    }

    private static string SignV4(AccessKey key, string policy) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(RawS3Client.SigningKey(key.SecretAccessKey, DateTime.UtcNow.ToString("yyyyMMdd"), "ironbark"),
            Encoding.UTF8.GetBytes(policy)));

    private static string SignV2(AccessKey key, string policy) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(key.SecretAccessKey), Encoding.UTF8.GetBytes(policy)));

    /// <summary>Posts the form as a browser does: the fields in order, then the file with its own content type.</summary>
    private async Task<HttpResponseMessage> PostAsync(string bucket, IEnumerable<(string Name, string Value)> fields, string file,
        string fileName = "hello.txt", Uri? url = null)
    {
        using var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
            form.Add(new StringContent(value), name);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(file));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(content, "file", fileName);
        return await _http.PostAsync(url ?? new Uri(f.Host.Endpoint, "/" + bucket), form);
    }

    /// <summary>A signed SigV4 form for uploads under uploads/ of at most 100 bytes, with extra fields and conditions.</summary>
    private Task<HttpResponseMessage> PostV4Async(string bucket, string key, string file, DateTime? expiration = null,
        (string, string)[]? extraFields = null, object[]? extraConditions = null, AccessKey? signer = null)
    {
        signer ??= f.Alice;
        var (fields, conditions) = V4Fields(signer);
        var policy = Policy(expiration ?? DateTime.UtcNow.AddMinutes(10),
            [Eq("bucket", bucket), new object[] { "starts-with", "$key", "uploads/" }, new object[] { "content-length-range", 1, 100 },
                .. conditions, .. extraConditions ?? []]);
        return PostAsync(bucket, [("key", key), .. fields, .. extraFields ?? [], ("policy", policy), ("x-amz-signature", SignV4(signer, policy))], file);
    }

    private async Task AssertNotStoredAsync(string bucket)
    {
        var listed = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Empty(listed.S3Objects ?? []);
    }

    [Fact]
    public async Task SigV4_form_upload_stores_the_object_and_answers_PostResponse_with_201()
    {
        var bucket = await BucketAsync();
        using var response = await PostV4Async(bucket, "uploads/${filename}", "hello from a browser",
            extraFields: [("success_action_status", "201"), ("Content-Type", "text/plain"), ("x-amz-meta-colour", "blue")],
            extraConditions: [Eq("success_action_status", "201"), new object[] { "starts-with", "$Content-Type", "text/" }, Eq("x-amz-meta-colour", "blue")]);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);

        var xml = XElement.Parse(body);
        XNamespace ns = "http://s3.amazonaws.com/doc/2006-03-01/";
        Assert.Equal("PostResponse", xml.Name.LocalName);
        Assert.Equal(bucket, xml.Element(ns + "Bucket")?.Value);
        Assert.Equal("uploads/hello.txt", xml.Element(ns + "Key")?.Value);
        var etag = "\"" + Convert.ToHexStringLower(MD5.HashData("hello from a browser"u8)) + "\"";
        Assert.Equal(etag, xml.Element(ns + "ETag")?.Value);
        Assert.EndsWith($"/{bucket}/uploads/hello.txt", xml.Element(ns + "Location")?.Value);

        using var stored = await f.AliceS3.GetObjectAsync(bucket, "uploads/hello.txt");
        Assert.Equal(("text/plain", "blue", etag), (stored.Headers.ContentType, stored.Metadata["colour"], stored.ETag));
        Assert.Equal("hello from a browser", await S3Expect.ReadAsync(f.AliceS3, bucket, "uploads/hello.txt"));
    }

    [Fact]
    public async Task SigV2_form_upload_stores_the_object_and_answers_204()
    {
        var bucket = await BucketAsync();
        var policy = Policy(DateTime.UtcNow.AddMinutes(10), Eq("bucket", bucket), Eq("key", "v2/file.bin"), Eq("acl", "public-read"));
        using var response = await PostAsync(bucket,
            [("key", "v2/file.bin"), ("acl", "public-read"), ("AWSAccessKeyId", f.Alice.AccessKeyId), ("policy", policy), ("signature", SignV2(f.Alice, policy))],
            "signed the old way");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.Equal("signed the old way", await S3Expect.ReadAsync(f.Anonymous, bucket, "v2/file.bin"));
        // Without a Content-Type field, the file part's own type is the object's (docs/walrus.md).
        Assert.Equal("application/octet-stream", (await f.AliceS3.GetObjectMetadataAsync(bucket, "v2/file.bin")).Headers.ContentType);

        using var wrong = await PostAsync(bucket,
            [("key", "v2/other.bin"), ("acl", "public-read"), ("AWSAccessKeyId", f.Alice.AccessKeyId), ("policy", policy), ("signature", SignV2(f.Bob, policy))],
            "forged");
        await S3Expect.RawErrorAsync(wrong, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
    }

    [Fact]
    public async Task The_sdks_presigned_post_is_accepted()
    {
        var bucket = await BucketAsync();
        var presigned = await f.AliceS3.CreatePresignedPostAsync(new CreatePresignedPostRequest
        {
            BucketName = bucket, Key = "sdk/${filename}", Expires = DateTime.UtcNow.AddMinutes(10),
            Conditions = [new StartsWithCondition("key", "sdk/"), new ContentLengthRangeCondition(1, 1000)],
        });
        using var response = await PostAsync(bucket, presigned.Fields.Select(kv => (kv.Key, kv.Value)), "via the SDK", "made.txt", new Uri(presigned.Url));
        Assert.True(response.StatusCode == HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
        Assert.Equal("via the SDK", await S3Expect.ReadAsync(f.AliceS3, bucket, "sdk/made.txt"));
    }

    [Fact]
    public async Task A_key_outside_the_starts_with_condition_is_AccessDenied_and_not_stored()
    {
        var bucket = await BucketAsync();
        using var response = await PostV4Async(bucket, "elsewhere/x.txt", "data");
        await S3Expect.RawErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task A_file_over_the_content_length_range_is_EntityTooLarge_and_not_stored()
    {
        var bucket = await BucketAsync();
        using var response = await PostV4Async(bucket, "uploads/big.bin", new string('x', 101));
        await S3Expect.RawErrorAsync(response, HttpStatusCode.BadRequest, "EntityTooLarge");
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task An_expired_policy_is_AccessDenied_and_not_stored()
    {
        var bucket = await BucketAsync();
        using var response = await PostV4Async(bucket, "uploads/late.txt", "data", expiration: DateTime.UtcNow.AddMinutes(-1));
        await S3Expect.RawErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task A_field_the_policy_does_not_cover_is_AccessDenied_and_not_stored()
    {
        var bucket = await BucketAsync();
        using var response = await PostV4Async(bucket, "uploads/x.txt", "data", extraFields: [("x-amz-meta-sneaky", "yes")]);
        await S3Expect.RawErrorAsync(response, HttpStatusCode.Forbidden, "AccessDenied");
        // An exact condition the field does not meet.
        using var mismatch = await PostV4Async(bucket, "uploads/x.txt", "data",
            extraFields: [("acl", "public-read")], extraConditions: [Eq("acl", "private")]);
        await S3Expect.RawErrorAsync(mismatch, HttpStatusCode.Forbidden, "AccessDenied");
        await AssertNotStoredAsync(bucket);
    }

    [Fact]
    public async Task A_signature_or_signer_that_does_not_hold_is_refused()
    {
        var bucket = await BucketAsync();
        var (fields, conditions) = V4Fields(f.Alice);
        var policy = Policy(DateTime.UtcNow.AddMinutes(10), [Eq("bucket", bucket), Eq("key", "uploads/a"), .. conditions]);
        using var tampered = await PostAsync(bucket, [("key", "uploads/a"), .. fields, ("policy", policy), ("x-amz-signature", SignV4(f.Bob, policy))], "data");
        await S3Expect.RawErrorAsync(tampered, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");

        // Bob signs correctly, but may not write into alice's private bucket.
        using var bobs = await PostV4Async(bucket, "uploads/bob.txt", "data", signer: f.Bob);
        await S3Expect.RawErrorAsync(bobs, HttpStatusCode.Forbidden, "AccessDenied");

        // An unsigned form is anonymous: refused by a private bucket.
        using var anonymous = await PostAsync(bucket, [("key", "uploads/anon.txt")], "data");
        await S3Expect.RawErrorAsync(anonymous, HttpStatusCode.Forbidden, "AccessDenied");
        await AssertNotStoredAsync(bucket);
    }
}

public sealed class SqlitePostObjectTests(SqliteWalrusFixture f) : PostObjectTests(f), IClassFixture<SqliteWalrusFixture>;
