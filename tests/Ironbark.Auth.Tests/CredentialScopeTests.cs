using System.Text;
using Amazon.EC2.Model;
using Amazon.S3.Model;
using Ironbark.Clc;
using Ironbark.Common.Auth;
using Ironbark.Testing;
using Ironbark.Walrus;

namespace Ironbark.Auth.Tests;

/// <summary>
/// A SigV4 credential scope must name this request's date, this endpoint's service and the cloud's region
/// (or an accepted alias, us-east-1 by default); SigV2 query signatures expire within the cap; the EC2 API
/// signs its body. Each refusal with the code S3 or EC2 gives, for header and query authentication.
/// </summary>
public sealed class CredentialScopeTests(SqliteAuthCloud cloud) : IClassFixture<SqliteAuthCloud>
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("scoped");
    private static readonly byte[] Form = Encoding.UTF8.GetBytes(TestSigner.FormBody([("Action", "DescribeRegions"), ("Version", "2016-11-15")]));
    private static readonly (string, string)[] FormType = [("Content-Type", "application/x-www-form-urlencoded")];
    private static readonly (string, string)[] Ec2Query = [("Action", "DescribeRegions"), ("Version", "2016-11-15")];

    public static TheoryData<string, string, string, string, string?> WrongScopes => new()
    {
        // scope date, region, service, what the message says, the Region detail
        { "20200101", AuthCloud.Region, "s3", "not the same as X-Amz-Date", null },
        { "", "us-west-2", "s3", "the region 'us-west-2' is wrong; expecting 'ironbark'", "ironbark" },
        { "", AuthCloud.Region, "ec2", "incorrect service 'ec2'. This endpoint belongs to 's3'.", null },
        { "20200101", "us-west-2", "ec2", "not the same as X-Amz-Date", null },
    };

    private static V4Options Scope(string date, string region, string service) =>
        new() { ScopeDate = date.Length > 0 ? date : null, Region = region, Service = service };

    private async Task<bool> StoredAsync(string key)
    {
        using var s3 = cloud.S3(cloud.Alice);
        var listing = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = cloud.Bucket, Prefix = key });
        return (listing.S3Objects ?? []).Count > 0;
    }

    [Theory]
    [MemberData(nameof(WrongScopes))]
    public async Task S3_refuses_a_header_signature_scoped_elsewhere(string date, string region, string service, string message, string? expected)
    {
        var key = "scope-" + Guid.NewGuid().ToString("N")[..8];
        var request = cloud.Signer("s3").SignHeader(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [], Body, Scope(date, region, service));
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, request);
        Assert.True(answer.Status == 400 && answer.ErrorCode == "AuthorizationHeaderMalformed", answer.ToString());
        Assert.Contains(message, answer.Detail("Message"));
        Assert.Equal(expected, answer.Detail("Region"));
        Assert.False(await StoredAsync(key));
    }

    [Theory]
    [MemberData(nameof(WrongScopes))]
    public async Task S3_refuses_a_presigned_URL_scoped_elsewhere(string date, string region, string service, string message, string? expected)
    {
        var key = "scope-" + Guid.NewGuid().ToString("N")[..8];
        var request = cloud.Signer("s3").Presign(cloud.Walrus.Endpoint, "PUT", $"/{cloud.Bucket}/{key}", [], [], Body, o: Scope(date, region, service));
        var answer = await RawHttp.SendAsync(cloud.Walrus.Endpoint, request);
        Assert.True(answer.Status == 400 && answer.ErrorCode == "AuthorizationQueryParametersError", answer.ToString());
        Assert.Contains(message, answer.Detail("Message"));
        Assert.Equal(expected, answer.Detail("Region"));
        Assert.False(await StoredAsync(key));
    }

    [Theory]
    [InlineData("20200101", AuthCloud.Region, "ec2", "Date in Credential scope does not match")]
    [InlineData("", "us-west-2", "ec2", "Credential should be scoped to a valid region, not 'us-west-2'.")]
    [InlineData("", AuthCloud.Region, "s3", "Credential should be scoped to correct service: 'ec2'.")]
    public async Task EC2_refuses_a_signature_scoped_elsewhere(string date, string region, string service, string message)
    {
        var signer = cloud.Signer("ec2");
        var header = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], FormType, Form, Scope(date, region, service) with { SendContentSha = false });
        var query = signer.Presign(cloud.Clc.Endpoint, "GET", "/", Ec2Query, [], [], o: Scope(date, region, service));
        foreach (var request in new[] { header, query })
        {
            var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, request);
            Assert.True(answer.Status == 401 && answer.ErrorCode == "AuthFailure", answer.ToString());
            Assert.Contains(message, answer.Detail("Message"));
        }
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")]
    [InlineData("STREAMING-UNSIGNED-PAYLOAD-TRAILER")]
    public async Task EC2_does_not_take_an_unsigned_or_streaming_body(string payload)
    {
        var signer = cloud.Signer("ec2");
        var header = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], FormType, Form, new V4Options { PayloadHash = payload });
        var query = signer.Presign(cloud.Clc.Endpoint, "POST", "/", [("X-Amz-Content-Sha256", payload)], FormType, Form, o: new V4Options { PayloadHash = payload });
        foreach (var request in new[] { header, query })
        {
            var answer = await RawHttp.SendAsync(cloud.Clc.Endpoint, request);
            Assert.True(answer.Status == 401 && answer.ErrorCode == "AuthFailure", answer.ToString());
            Assert.Contains(payload, answer.Detail("Message"));
        }
        // Signed over the body, the same request is answered.
        var signed = signer.SignHeader(cloud.Clc.Endpoint, "POST", "/", [], FormType, Form);
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Clc.Endpoint, signed)).Status);
        var presigned = signer.Presign(cloud.Clc.Endpoint, "GET", "/", Ec2Query, [], []);
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Clc.Endpoint, presigned)).Status);
    }

    [Fact]
    public async Task SigV2_query_signatures_may_not_expire_later_than_seven_days()
    {
        var key = "v2-" + Guid.NewGuid().ToString("N")[..8];
        var resource = $"/{cloud.Bucket}/{key}";
        var signer = cloud.Signer("s3");
        var now = DateTimeOffset.UtcNow;
        var tooLate = signer.PresignS3V2(cloud.Walrus.Endpoint, "PUT", resource, resource, now.AddDays(8).ToUnixTimeSeconds(), Body);
        var refused = await RawHttp.SendAsync(cloud.Walrus.Endpoint, tooLate);
        Assert.True(refused.Status == 403 && refused.ErrorCode == "AccessDenied", refused.ToString());
        Assert.False(await StoredAsync(key));
        var inTime = signer.PresignS3V2(cloud.Walrus.Endpoint, "PUT", resource, resource, now.AddDays(6).ToUnixTimeSeconds(), Body);
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Walrus.Endpoint, inTime)).Status);

        var ec2TooLate = await RawHttp.SendAsync(cloud.Clc.Endpoint, signer.SignQueryV2(cloud.Clc.Endpoint, Ec2Query[..1], now.AddDays(8)));
        Assert.True(ec2TooLate.Status == 401 && ec2TooLate.ErrorCode == "AuthFailure", ec2TooLate.ToString());
        Assert.Contains("too far in the future", ec2TooLate.Detail("Message"));
        Assert.Equal(200, (await RawHttp.SendAsync(cloud.Clc.Endpoint, signer.SignQueryV2(cloud.Clc.Endpoint, Ec2Query[..1], now.AddDays(6)))).Status);
    }

    [Theory]
    [InlineData(AuthCloud.Region)]
    [InlineData("us-east-1")]
    public async Task The_SDKs_work_with_the_cloud_region_and_us_east_1(string region)
    {
        using var s3 = cloud.S3(cloud.Alice, region);
        var key = "sdk-" + region;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = cloud.Bucket, Key = key, ContentBody = "hello" });
        using (var get = await s3.GetObjectAsync(cloud.Bucket, key))
            Assert.Equal("hello", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = cloud.Bucket, Key = key, Verb = Amazon.S3.HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Amazon.S3.Protocol.HTTP,
        });
        using (var http = new HttpClient())
            Assert.Equal("hello", await http.GetStringAsync(url));

        using var ec2 = cloud.Ec2(cloud.Alice, region);
        var regions = await ec2.DescribeRegionsAsync(new DescribeRegionsRequest());
        Assert.Equal(AuthCloud.Region, Assert.Single(regions.Regions).RegionName);
    }

    [Fact]
    public async Task The_accepted_aliases_and_the_V2_cap_are_configurable()
    {
        await using var walrus = await WalrusHost.StartAsync(configure: o => new WalrusOptions
        {
            DataDir = o.DataDir, Url = o.Url,
            Signing = new RequestSigningOptions { AcceptedRegionAliases = ["eu-west-9"], MaxQueryV2Expiry = TimeSpan.FromHours(1) },
        });
        var key = await walrus.CreateAccountAsync("carol");
        var signer = new TestSigner(key.AccessKeyId, key.SecretAccessKey, "eu-west-9", "s3");
        Assert.Equal(200, (await RawHttp.SendAsync(walrus.Endpoint, signer.SignHeader(walrus.Endpoint, "GET", "/", [], [], []))).Status);
        var east = await RawHttp.SendAsync(walrus.Endpoint, signer.SignHeader(walrus.Endpoint, "GET", "/", [], [], [], new V4Options { Region = "us-east-1" }));
        Assert.True(east.ErrorCode == "AuthorizationHeaderMalformed" && east.Detail("Region") == AuthCloud.Region, east.ToString());
        var twoHours = await RawHttp.SendAsync(walrus.Endpoint,
            signer.PresignS3V2(walrus.Endpoint, "GET", "/", "/", DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds(), []));
        Assert.Equal("AccessDenied", twoHours.ErrorCode);

        Assert.Throws<ArgumentException>(() => new ClcOptions { DataDir = "/nonexistent", Signing = new() { AcceptedRegionAliases = [""] } }.Validate());
        Assert.Throws<ArgumentException>(() => new ClcOptions { DataDir = "/nonexistent", Signing = new() { MaxQueryV2Expiry = TimeSpan.Zero } }.Validate());
    }
}
