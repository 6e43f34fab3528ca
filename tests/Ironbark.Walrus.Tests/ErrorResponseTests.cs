using System.Net;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Errors are S3 XML with the right code and status, and bad input never becomes a 500.</summary>
public abstract class ErrorResponseTests(WalrusFixture f)
{
    [Fact]
    public async Task An_error_is_the_s3_xml_document()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/no/such%20key");
        var error = await S3Assert.ErrorAsync(response, "NoSuchKey", HttpStatusCode.NotFound);
        Assert.Equal("The specified key does not exist.", error.Element("Message")!.Value);
        Assert.Equal($"/{bucket}/no/such key", error.Element("Resource")!.Value);
        Assert.Equal("no/such key", error.Element("Key")?.Value);
        Assert.Equal(["Code", "Message", "Key", "Resource", "RequestId"], error.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("", error.Name.NamespaceName);

        using var missingBucket = await raw.SendAsync(HttpMethod.Get, "/" + WalrusFixture.NewBucketName());
        await S3Assert.ErrorAsync(missingBucket, "NoSuchBucket", HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("garbage, not xml")]
    [InlineData("")]
    [InlineData("<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></Delete>")]
    [InlineData("<Delete><Object><VersionId>x</VersionId></Object></Delete>")]
    [InlineData("<Other><Object><Key>k</Key></Object></Other>")]
    [InlineData("<Delete><Object><Key>k</Key></Object>")]
    [InlineData("<!DOCTYPE d [<!ENTITY e \"boom\">]><Delete><Object><Key>&e;</Key></Object></Delete>")]
    public async Task Bad_multi_delete_bodies_are_MalformedXML(string body)
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "kept" });
        using var raw = f.Raw(f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", Encoding.UTF8.GetBytes(body));
        await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        Assert.Equal("kept", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task Multi_delete_checks_its_content_md5_and_its_size()
    {
        var bucket = await f.AliceBucketAsync();
        using var raw = f.Raw(f.Alice);
        var body = Encoding.UTF8.GetBytes("<Delete><Object><Key>k</Key></Object></Delete>");
        var request = new RawS3.Request(HttpMethod.Post, $"/{bucket}?delete") { Body = body };
        request.Headers["content-md5"] = Convert.ToBase64String(MD5.HashData("other"u8));
        using (var response = await raw.SendAsync(request))
            await S3Assert.ErrorAsync(response, "BadDigest", HttpStatusCode.BadRequest);

        var tooMany = "<Delete>" + string.Concat(Enumerable.Range(0, 1001).Select(i => $"<Object><Key>k{i}</Key></Object>")) + "</Delete>";
        using (var response = await raw.SendAsync(HttpMethod.Post, $"/{bucket}?delete", Encoding.UTF8.GetBytes(tooMany)))
            await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        using (var response = await raw.SendAsync(HttpMethod.Post, $"/{WalrusFixture.NewBucketName()}?delete", body))
            await S3Assert.ErrorAsync(response, "NoSuchBucket", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Malformed_requests_get_4xx_codes()
    {
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "data" });
        using var raw = f.Raw(f.Alice);

        async Task Expect(RawS3.Request request, string code, HttpStatusCode status)
        {
            using var response = await raw.SendAsync(request);
            await S3Assert.ErrorAsync(response, code, status);
        }

        await Expect(new RawS3.Request(HttpMethod.Patch, $"/{bucket}/k"), "MethodNotAllowed", HttpStatusCode.MethodNotAllowed);
        await Expect(new RawS3.Request(HttpMethod.Put, $"/{bucket}/{new string('k', 1025)}") { Body = [1] }, "KeyTooLongError", HttpStatusCode.BadRequest);
        var bigMeta = new RawS3.Request(HttpMethod.Put, $"/{bucket}/meta") { Body = [1] };
        bigMeta.Headers["x-amz-meta-big"] = new string('m', 2100);
        await Expect(bigMeta, "MetadataTooLarge", HttpStatusCode.BadRequest);
        var badCopy = new RawS3.Request(HttpMethod.Put, $"/{bucket}/copy");
        badCopy.Headers["x-amz-copy-source"] = "just-a-bucket";
        await Expect(badCopy, "InvalidArgument", HttpStatusCode.BadRequest);
        var badDirective = new RawS3.Request(HttpMethod.Put, $"/{bucket}/copy");
        badDirective.Headers["x-amz-copy-source"] = $"/{bucket}/k";
        badDirective.Headers["x-amz-metadata-directive"] = "MERGE";
        await Expect(badDirective, "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect(new RawS3.Request(HttpMethod.Get, $"/{bucket}/k?partNumber=abc"), "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect(new RawS3.Request(HttpMethod.Put, $"/{bucket}/k") { Body = [1], PayloadHash = "not-a-hash" }, "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect(new RawS3.Request(HttpMethod.Post, $"/{bucket}") { Body = "not a form"u8.ToArray() }, "InvalidRequest", HttpStatusCode.BadRequest);

        foreach (var sub in new[] { "acl", "versioning", "cors", "lifecycle", "tagging" })
        {
            using var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?{sub}", "<<garbage"u8.ToArray());
            await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        }
        using (var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}?policy", "{not json"u8.ToArray()))
            await S3Assert.ErrorAsync(response, "MalformedPolicy", HttpStatusCode.BadRequest);
        using (var response = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k?tagging", "<<garbage"u8.ToArray()))
            await S3Assert.ErrorAsync(response, "MalformedXML", HttpStatusCode.BadRequest);
        Assert.Equal("data", await WalrusFixture.ReadTextAsync(f.AliceS3, bucket, "k"));
    }

    [Fact]
    public async Task Malformed_authentication_is_refused_with_its_code()
    {
        var bucket = await f.AliceBucketAsync();
        using var http = new HttpClient { BaseAddress = f.Host.Endpoint };

        async Task Expect(string authorization, string code, HttpStatusCode status, string path = "")
        {
            using var message = new HttpRequestMessage(HttpMethod.Get, "/" + bucket + path);
            message.Headers.TryAddWithoutValidation("Authorization", authorization);
            message.Headers.TryAddWithoutValidation("x-amz-date", DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'"));
            message.Headers.TryAddWithoutValidation("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
            using var response = await http.SendAsync(message);
            await S3Assert.ErrorAsync(response, code, status);
        }

        await Expect("Bearer token", "InvalidArgument", HttpStatusCode.BadRequest);
        await Expect("AWS4-HMAC-SHA256 Credential=x", "AuthorizationHeaderMalformed", HttpStatusCode.BadRequest);
        await Expect("AWS4-HMAC-SHA256 Credential=AKIA/2024/x, SignedHeaders=host, Signature=00", "AuthorizationHeaderMalformed", HttpStatusCode.BadRequest);
        await Expect("AWS no-colon", "InvalidArgument", HttpStatusCode.BadRequest);
        using var presigned = await http.GetAsync($"/{bucket}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a/20240101/ironbark/s3/aws4_request&X-Amz-Date=20240101T000000Z&X-Amz-Expires=forever&X-Amz-SignedHeaders=host&X-Amz-Signature=00");
        await S3Assert.ErrorAsync(presigned, "AuthorizationQueryParametersError", HttpStatusCode.BadRequest);
        using var anonymous = await http.GetAsync($"/{bucket}");
        await S3Assert.ErrorAsync(anonymous, "AccessDenied", HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Part_numbers_of_a_simple_object_follow_the_documented_decision()
    {
        // A simple object has one part, itself (docs/s3-checksums.md): part 1 is the whole object and there is no part 2.
        var bucket = await f.AliceBucketAsync();
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "whole object" });
        using var raw = f.Raw(f.Alice);
        using (var one = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k?partNumber=1"))
        {
            Assert.Equal(HttpStatusCode.PartialContent, one.StatusCode);
            Assert.Equal("whole object", await one.Content.ReadAsStringAsync());
        }
        using var two = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/k?partNumber=2");
        await S3Assert.ErrorAsync(two, "InvalidPartNumber", HttpStatusCode.RequestedRangeNotSatisfiable);
    }
}

public sealed class SqliteErrorResponseTests(SqliteWalrusFixture f) : ErrorResponseTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresErrorResponseTests(PostgresWalrusFixture f) : ErrorResponseTests(f), IClassFixture<PostgresWalrusFixture>;
