using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Auth.Tests;

/// <summary>
/// Only what a signature covers may act: an x-amz-* header (or a host) sent but not signed is refused with
/// S3's AccessDenied "There were headers present in the request which were not signed", for presigned
/// URLs and header-signed requests, on S3 and EC2; requests the SDK signs keep working.
/// </summary>
public abstract class SignedHeaderTests(AuthCloud cloud)
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("uploaded through the link");

    private async Task<string> PutSecretAsync(AmazonS3Client s3)
    {
        var key = "secret-" + Guid.NewGuid().ToString("N")[..8];
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = cloud.Bucket, Key = key, ContentBody = "private bytes" });
        return key;
    }

    private static void AssertHeadersNotSigned(RawResponse answer, string headers)
    {
        Assert.True(answer.Status == 403 && answer.ErrorCode == "AccessDenied", answer.ToString());
        Assert.Equal("There were headers present in the request which were not signed", answer.Detail("Message"));
        Assert.Equal(headers, answer.Detail("HeadersNotSigned"));
    }

    private static string PathOf(string url) => new Uri(url).PathAndQuery;

    private async Task<bool> ExistsAsync(AmazonS3Client s3, string key)
    {
        try
        {
            await s3.GetObjectMetadataAsync(cloud.Bucket, key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    [Fact]
    public async Task A_presigned_PUT_with_an_added_copy_source_is_refused_and_copies_nothing()
    {
        using var s3 = cloud.S3(cloud.Alice);
        var secret = await PutSecretAsync(s3);
        var target = "link-" + Guid.NewGuid().ToString("N")[..8];
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = cloud.Bucket, Key = target, Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, new RawRequest("PUT", PathOf(url),
            [("Host", cloud.Walrus.Endpoint.Authority), ("x-amz-copy-source", $"/{cloud.Bucket}/{secret}")], []));
        AssertHeadersNotSigned(answer, "x-amz-copy-source");
        Assert.False(await ExistsAsync(s3, target));

        // The same link, used as it was signed, uploads.
        var plain = await RawHttp.SendAsync(cloud.Walrus.Endpoint, new RawRequest("PUT", PathOf(url), [("Host", cloud.Walrus.Endpoint.Authority)], Body));
        Assert.Equal(200, plain.Status);
        Assert.True(await ExistsAsync(s3, target));
    }

    [Fact]
    public async Task A_presigned_PUT_with_an_added_acl_is_refused_and_the_acl_is_unchanged()
    {
        using var s3 = cloud.S3(cloud.Alice);
        var key = await PutSecretAsync(s3);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = cloud.Bucket, Key = key, Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, new RawRequest("PUT", PathOf(url),
            [("Host", cloud.Walrus.Endpoint.Authority), ("x-amz-acl", "public-read"), ("X-Amz-Grant-Read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")], Body));
        AssertHeadersNotSigned(answer, "x-amz-acl, x-amz-grant-read");

        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = cloud.Bucket, Key = key });
        Assert.Single(acl.Grants);
        using var anonymous = cloud.Walrus.AnonymousClient();
        var e = await Assert.ThrowsAsync<AmazonS3Exception>(() => anonymous.GetObjectAsync(cloud.Bucket, key));
        Assert.Equal("AccessDenied", e.ErrorCode);
        using var stored = await s3.GetObjectAsync(cloud.Bucket, key);
        Assert.Equal("private bytes", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_presigned_UploadPart_cannot_become_UploadPartCopy()
    {
        using var s3 = cloud.S3(cloud.Alice);
        var secret = await PutSecretAsync(s3);
        var key = "mpu-" + Guid.NewGuid().ToString("N")[..8];
        var upload = await s3.InitiateMultipartUploadAsync(cloud.Bucket, key);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = cloud.Bucket, Key = key, Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
            UploadId = upload.UploadId, PartNumber = 1,
        });
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, new RawRequest("PUT", PathOf(url),
            [("Host", cloud.Walrus.Endpoint.Authority), ("x-amz-copy-source", $"/{cloud.Bucket}/{secret}")], []));
        AssertHeadersNotSigned(answer, "x-amz-copy-source");
        var parts = await s3.ListPartsAsync(cloud.Bucket, key, upload.UploadId);
        Assert.Empty(parts.Parts ?? []);
        await s3.AbortMultipartUploadAsync(cloud.Bucket, key, upload.UploadId);
    }

    [Fact]
    public async Task A_header_signed_request_must_sign_host_and_every_x_amz_header()
    {
        var signer = cloud.Signer("s3");
        var key = "hdr-" + Guid.NewGuid().ToString("N")[..8];
        var noHost = signer.SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [], Body, new V4Options { Unsigned = ["host"] });
        AssertHeadersNotSigned(await RawHttp.SendAsync(cloud.Walrus.Endpoint, noHost), "host");
        var unsignedAcl = signer.SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [("x-amz-acl", "public-read")], Body,
            new V4Options { Unsigned = ["x-amz-acl"] });
        AssertHeadersNotSigned(await RawHttp.SendAsync(cloud.Walrus.Endpoint, unsignedAcl), "x-amz-acl");
        var unsignedDate = signer.SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [], Body, new V4Options { Unsigned = ["x-amz-date"] });
        AssertHeadersNotSigned(await RawHttp.SendAsync(cloud.Walrus.Endpoint, unsignedDate), "x-amz-date");
        using var s3 = cloud.S3(cloud.Alice);
        Assert.False(await ExistsAsync(s3, key));

        // Signed as a correct client signs (x-amz-content-sha256 may go unsigned: it is the canonical request's last line).
        var signed = signer.SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [("x-amz-acl", "private")], Body,
            new V4Options { Unsigned = ["x-amz-content-sha256"] });
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Walrus.Endpoint, signed)).Status);
        Assert.True(await ExistsAsync(s3, key));
    }

    [Fact]
    public async Task The_EC2_API_refuses_an_unsigned_host_or_x_amz_header()
    {
        var signer = cloud.Signer("ec2");
        var form = Encoding.UTF8.GetBytes(TestSigner.FormBody([("Action", "DescribeRegions"), ("Version", "2016-11-15")]));
        (string, string)[] type = [("Content-Type", "application/x-www-form-urlencoded")];
        var noHost = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], type, form, new V4Options { Unsigned = ["host"], SendContentSha = false });
        var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, noHost);
        Assert.True(answer.Status == 401 && answer.ErrorCode == "AuthFailure", answer.ToString());
        Assert.Contains("not signed", answer.Detail("Message"));
        var extra = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], [.. type, ("x-amz-security-token", "x")], form,
            new V4Options { Unsigned = ["x-amz-security-token"], SendContentSha = false });
        Assert.Equal("AuthFailure", (await RawHttp.SendAsync(cloud.Clc.Endpoint, extra)).ErrorCode);
        var signed = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], type, form, new V4Options { SendContentSha = false });
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Clc.Endpoint, signed)).Status);
    }

    [Fact]
    public async Task SDK_presigned_URLs_with_headers_the_SDK_signs_still_work()
    {
        using var s3 = cloud.S3(cloud.Alice);
        var key = "sdk-" + Guid.NewGuid().ToString("N")[..8];
        var request = new GetPreSignedUrlRequest
        {
            BucketName = cloud.Bucket, Key = key, Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
            ContentType = "text/plain",
        };
        request.Headers["x-amz-acl"] = "private";
        request.Metadata.Add("colour", "blue");
        var url = await s3.GetPreSignedURLAsync(request);
        var signedHeaders = System.Web.HttpUtility.ParseQueryString(new Uri(url).Query)["X-Amz-SignedHeaders"]!;
        Assert.Contains("x-amz-acl", signedHeaders);
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, new RawRequest("PUT", PathOf(url),
            [("Host", cloud.Walrus.Endpoint.Authority), ("Content-Type", "text/plain"), ("x-amz-acl", "private"), ("x-amz-meta-colour", "blue")], Body));
        Assert.True(answer.Status == 200, answer.ToString());
        var head = await s3.GetObjectMetadataAsync(cloud.Bucket, key);
        Assert.Equal("blue", head.Metadata["colour"]);

        // The SDK's own header-signed requests (it signs every x-amz-* header it sends).
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = cloud.Bucket, Key = key + "-put", ContentBody = "x", CannedACL = S3CannedACL.Private, TagSet = [new Tag { Key = "a", Value = "b" }],
        });
        await s3.CopyObjectAsync(cloud.Bucket, key + "-put", cloud.Bucket, key + "-copy");
        Assert.True(await ExistsAsync(s3, key + "-copy"));
    }
}

public sealed class SqliteSignedHeaderTests(SqliteAuthCloud cloud) : SignedHeaderTests(cloud), IClassFixture<SqliteAuthCloud>;

public sealed class PostgresSignedHeaderTests(PostgresAuthCloud cloud) : SignedHeaderTests(cloud), IClassFixture<PostgresAuthCloud>;
