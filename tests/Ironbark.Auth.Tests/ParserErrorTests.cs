using System.Text;
using Amazon.S3.Model;

namespace Ironbark.Auth.Tests;

/// <summary>Inputs that once reached an unhandled exception (500) now answer the 4xx AWS gives, and store nothing.</summary>
public sealed class ParserErrorTests(SqliteAuthCloud cloud) : IClassFixture<SqliteAuthCloud>
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("parsed");

    private static RawRequest DuplicateField(RawRequest request, string field)
    {
        var authorization = request.Header("Authorization")!;
        var start = authorization.IndexOf(field + "=", StringComparison.Ordinal);
        var end = authorization.IndexOf(',', start) is var comma and >= 0 ? comma : authorization.Length;
        var duplicated = authorization + ", " + authorization[start..end];
        return request.WithHeaders(request.Headers.Select(h => h.Name == "Authorization" ? (h.Name, duplicated) : h));
    }

    private async Task<bool> StoredAsync(string key)
    {
        using var s3 = cloud.S3(cloud.Alice);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = cloud.Bucket, Prefix = key });
        return (listing.S3Objects ?? []).Count > 0;
    }

    [Theory]
    [InlineData("Credential")]
    [InlineData("SignedHeaders")]
    [InlineData("Signature")]
    public async Task A_repeated_Authorization_field_is_a_malformed_header(string field)
    {
        var key = "dup-" + Guid.NewGuid().ToString("N")[..8];
        var s3 = DuplicateField(cloud.Signer("s3").SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [], Body), field);
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, s3);
        Assert.True(answer.Status == 400 && answer.ErrorCode == "AuthorizationHeaderMalformed", answer.ToString());
        Assert.False(await StoredAsync(key));

        var form = Encoding.UTF8.GetBytes(TestSigner.FormBody([("Action", "DescribeRegions"), ("Version", "2016-11-15")]));
        var ec2 = DuplicateField(cloud.Signer("ec2").SignHeader(cloud.Clc.Endpoint, "POST", "/", [],
            [("Content-Type", "application/x-www-form-urlencoded")], form, new V4Options { SendContentSha = false }), field);
        var ec2Answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, ec2);
        Assert.True(ec2Answer.Status == 400 && ec2Answer.ErrorCode == "IncompleteSignature", ec2Answer.ToString());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("-9223372036854775808")]
    [InlineData("99999999999999999999")]
    [InlineData("12abc")]
    public async Task A_decoded_content_length_that_is_no_length_is_InvalidArgument(string length)
    {
        var key = "len-" + Guid.NewGuid().ToString("N")[..8];
        var chunked = Encoding.ASCII.GetBytes("6\r\nparsed\r\n0\r\n\r\n");
        (string, string)[] headers = [("Content-Encoding", "aws-chunked"), ("x-amz-decoded-content-length", length)];
        var signed = cloud.Signer("s3").SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], headers, chunked,
            new V4Options { PayloadHash = "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
        var anonymous = new RawRequest("PUT", $"/{cloud.Bucket}/{key}",
            [("Host", cloud.Walrus.Endpoint.Authority), .. headers, ("x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")], chunked);
        foreach (var request in new[] { signed, anonymous })
        {
            var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, request);
            Assert.True(answer.Status == 400 && answer.ErrorCode == "InvalidArgument", answer.ToString());
        }
        Assert.False(await StoredAsync(key));
    }
}
