using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>Bucket CORS: the configuration sub-resource, browser preflight requests and CORS headers on actual requests.</summary>
public abstract class CorsTests(WalrusFixture f)
{
    private const string App = "https://app.example.com";

    private static readonly CORSConfiguration Rules = new()
    {
        Rules =
        [
            new CORSRule
            {
                Id = "app", AllowedOrigins = [App, "https://*.example.org"], AllowedMethods = ["GET", "PUT", "HEAD"],
                AllowedHeaders = ["Content-Type", "x-amz-meta-*"], ExposeHeaders = ["ETag", "x-amz-version-id"], MaxAgeSeconds = 3000,
            },
            new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["GET"] },
        ],
    };

    private async Task<string> BucketWithCorsAsync()
    {
        var bucket = WalrusFixture.NewBucketName("cors");
        await f.AliceS3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicRead });
        await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "page.html", ContentBody = "<p>hi</p>", CannedACL = S3CannedACL.PublicRead });
        await f.AliceS3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = Rules });
        return bucket;
    }

    private async Task<HttpResponseMessage> PreflightAsync(string path, string origin, string method, string? headers = null)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, null);
        var request = new Dictionary<string, string> { ["Origin"] = origin, ["Access-Control-Request-Method"] = method };
        if (headers is not null)
            request["Access-Control-Request-Headers"] = headers;
        return await raw.SendAsync(HttpMethod.Options, path, headers: request);
    }

    private async Task AssertNoCorsAsync(string bucket)
    {
        using var raw = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var response = await raw.SendAsync(HttpMethod.Get, "/" + bucket, [("cors", null)]);
        await S3Expect.RawErrorAsync(response, HttpStatusCode.NotFound, "NoSuchCORSConfiguration");
    }

    [Fact]
    public async Task Cors_configuration_round_trips_and_is_the_owners()
    {
        var bucket = WalrusFixture.NewBucketName("cors");
        await f.AliceS3.PutBucketAsync(bucket);
        await AssertNoCorsAsync(bucket);

        await f.AliceS3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = Rules });
        var got = (await f.AliceS3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket })).Configuration.Rules;
        Assert.Equal(2, got.Count);
        Assert.Equal("app", got[0].Id);
        Assert.Equal(Rules.Rules[0].AllowedOrigins, got[0].AllowedOrigins);
        Assert.Equal(Rules.Rules[0].AllowedMethods, got[0].AllowedMethods);
        Assert.Equal(Rules.Rules[0].AllowedHeaders, got[0].AllowedHeaders);
        Assert.Equal(Rules.Rules[0].ExposeHeaders, got[0].ExposeHeaders);
        Assert.Equal(3000, got[0].MaxAgeSeconds);
        Assert.Equal(["*"], got[1].AllowedOrigins);

        await S3Expect.DeniedAsync(() => f.BobS3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket }));
        await S3Expect.DeniedAsync(() => f.BobS3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = Rules }));
        await S3Expect.DeniedAsync(() => f.BobS3.DeleteCORSConfigurationAsync(new DeleteCORSConfigurationRequest { BucketName = bucket }));

        await f.AliceS3.DeleteCORSConfigurationAsync(new DeleteCORSConfigurationRequest { BucketName = bucket });
        await AssertNoCorsAsync(bucket);
    }

    [Fact]
    public async Task A_cors_rule_that_is_not_valid_is_refused()
    {
        var bucket = WalrusFixture.NewBucketName("cors");
        await f.AliceS3.PutBucketAsync(bucket);
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => f.AliceS3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket, Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["*"], AllowedMethods = ["PATCH"] }] },
        }));
        await S3Expect.ErrorAsync("MalformedXML", HttpStatusCode.BadRequest, () => f.AliceS3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket, Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedMethods = ["GET"] }] },
        }));
        await AssertNoCorsAsync(bucket);
    }

    [Fact]
    public async Task Allowed_preflight_answers_with_the_rules_headers()
    {
        var bucket = await BucketWithCorsAsync();
        using var response = await PreflightAsync($"/{bucket}/upload.bin", App, "PUT", "content-type, x-amz-meta-colour");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET, PUT, HEAD", response.Headers.GetValues("Access-Control-Allow-Methods").Single());
        Assert.Equal("3000", response.Headers.GetValues("Access-Control-Max-Age").Single());
        Assert.Equal("content-type, x-amz-meta-colour", response.Headers.GetValues("Access-Control-Allow-Headers").Single());
        Assert.Equal("ETag, x-amz-version-id", response.Headers.GetValues("Access-Control-Expose-Headers").Single());

        // A wildcard in an origin pattern, and the catch-all rule for GET from anywhere.
        using var sub = await PreflightAsync($"/{bucket}/page.html", "https://docs.example.org", "HEAD");
        Assert.Equal(HttpStatusCode.OK, sub.StatusCode);
        Assert.Equal("https://docs.example.org", sub.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var anywhere = await PreflightAsync($"/{bucket}", "https://elsewhere.net", "GET");
        Assert.Equal(HttpStatusCode.OK, anywhere.StatusCode);
        Assert.Equal("*", anywhere.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("GET", anywhere.Headers.GetValues("Access-Control-Allow-Methods").Single());
    }

    [Theory]
    [InlineData("https://evil.example.net", "PUT", null)]
    [InlineData(App, "DELETE", null)]
    [InlineData(App, "PUT", "x-custom-header")]
    [InlineData("https://elsewhere.net", "PUT", null)]
    public async Task Preflight_outside_the_rules_is_forbidden(string origin, string method, string? headers)
    {
        var bucket = await BucketWithCorsAsync();
        using var response = await PreflightAsync($"/{bucket}/page.html", origin, method, headers);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        await S3Expect.RawErrorAsync(response, HttpStatusCode.Forbidden, "AccessForbidden");
    }

    [Fact]
    public async Task Preflight_without_cors_or_without_origin_is_refused()
    {
        var bucket = WalrusFixture.NewBucketName("cors");
        await f.AliceS3.PutBucketAsync(bucket);
        using var noRules = await PreflightAsync($"/{bucket}/k", App, "GET");
        await S3Expect.RawErrorAsync(noRules, HttpStatusCode.Forbidden, "AccessForbidden");

        using var raw = new RawS3Client(f.Host.Endpoint, null);
        using var noOrigin = await raw.SendAsync(HttpMethod.Options, $"/{bucket}/k", headers: new Dictionary<string, string> { ["Access-Control-Request-Method"] = "GET" });
        await S3Expect.RawErrorAsync(noOrigin, HttpStatusCode.BadRequest, "BadRequest");
        using var noBucket = await PreflightAsync($"/{WalrusFixture.NewBucketName("none")}/k", App, "GET");
        await S3Expect.RawErrorAsync(noBucket, HttpStatusCode.NotFound, "NoSuchBucket");
    }

    [Fact]
    public async Task Actual_requests_from_an_allowed_origin_get_cors_headers()
    {
        var bucket = await BucketWithCorsAsync();
        using var anonymous = new RawS3Client(f.Host.Endpoint, null);
        using var get = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/page.html", headers: new Dictionary<string, string> { ["Origin"] = App });
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("<p>hi</p>", await get.Content.ReadAsStringAsync());
        Assert.Equal(App, get.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("ETag, x-amz-version-id", get.Headers.GetValues("Access-Control-Expose-Headers").Single());

        using var other = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/page.html", headers: new Dictionary<string, string> { ["Origin"] = "https://elsewhere.net" });
        Assert.Equal("*", other.Headers.GetValues("Access-Control-Allow-Origin").Single());

        // Signed requests are decorated too; a request without Origin is not.
        using var signed = new RawS3Client(f.Host.Endpoint, f.Alice);
        using var put = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/new.txt", body: "x"u8.ToArray(), headers: new Dictionary<string, string> { ["Origin"] = App });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(App, put.Headers.GetValues("Access-Control-Allow-Origin").Single());
        using var plain = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/page.html");
        Assert.False(plain.Headers.Contains("Access-Control-Allow-Origin"));

        // A method no rule allows for this origin gets no CORS headers, though the request itself is served.
        using var delete = await signed.SendAsync(HttpMethod.Delete, $"/{bucket}/new.txt", headers: new Dictionary<string, string> { ["Origin"] = App });
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.False(delete.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Errors_to_an_allowed_origin_keep_the_cors_headers()
    {
        var bucket = await BucketWithCorsAsync();
        using var anonymous = new RawS3Client(f.Host.Endpoint, null);
        using var missing = await anonymous.SendAsync(HttpMethod.Get, $"/{bucket}/missing.html", headers: new Dictionary<string, string> { ["Origin"] = App });
        Assert.Equal(App, missing.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Equal("ETag, x-amz-version-id", missing.Headers.GetValues("Access-Control-Expose-Headers").Single());
        Assert.Contains("Origin", missing.Headers.Vary);
        await S3Expect.RawErrorAsync(missing, HttpStatusCode.NotFound, "NoSuchKey");

        // A refused request too: the browser sees the 403, not an opaque network error.
        using var denied = await anonymous.SendAsync(HttpMethod.Put, $"/{bucket}/upload.txt", body: "x"u8.ToArray(),
            headers: new Dictionary<string, string> { ["Origin"] = App });
        Assert.Equal(App, denied.Headers.GetValues("Access-Control-Allow-Origin").Single());
        await S3Expect.RawErrorAsync(denied, HttpStatusCode.Forbidden, "AccessDenied");
    }
}

public sealed class SqliteCorsTests(SqliteWalrusFixture f) : CorsTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresCorsTests(PostgresWalrusFixture f) : CorsTests(f), IClassFixture<PostgresWalrusFixture>;
