using System.Net;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;
using Ironbark.Walrus.Encryption;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// The settings around encryption at rest, each on a Walrus of its own: SSE-C over plain HTTP (refused when TLS is
/// required, the default off loopback) and SSE-KMS on a Walrus that has no key service to ask.
/// </summary>
public sealed class EncryptionSettingsTests
{
    private static PutObjectRequest SseCPut(string bucket)
    {
        var key = RandomNumberGenerator.GetBytes(32);
        return new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "secret",
            ServerSideEncryptionCustomerMethod = ServerSideEncryptionCustomerMethod.AES256,
            ServerSideEncryptionCustomerProvidedKey = Convert.ToBase64String(key),
            ServerSideEncryptionCustomerProvidedKeyMD5 = Convert.ToBase64String(MD5.HashData(key)),
        };
    }

    [Fact]
    public async Task Sse_c_over_plain_http_is_refused_when_tls_is_required()
    {
        await using var host = await WalrusHost.StartAsync(configure: o => new WalrusOptions
        {
            DataDir = o.DataDir, Url = o.Url, PostgresConnectionString = o.PostgresConnectionString, SseCustomerKeyRequiresTls = true,
        });
        var alice = await host.CreateAccountAsync("alice");
        using var s3 = host.Client(alice);
        await s3.PutBucketAsync("tls");
        await S3Expect.ErrorAsync("InvalidRequest", HttpStatusCode.BadRequest, () => s3.PutObjectAsync(SseCPut("tls")));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => s3.GetObjectAsync("tls", "k"));
        // SSE-S3 needs no TLS.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "tls", Key = "s3", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
    }

    [Fact]
    public async Task Sse_c_over_plain_http_is_allowed_on_loopback_by_default()
    {
        await using var host = await WalrusHost.StartAsync();
        var alice = await host.CreateAccountAsync("alice");
        using var s3 = host.Client(alice);
        await s3.PutBucketAsync("loop");
        await s3.PutObjectAsync(SseCPut("loop"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8779", null, false)]
    [InlineData("http://[::1]:8779", null, false)]
    [InlineData("http://localhost:8779", null, false)]
    [InlineData("http://0.0.0.0:8779", null, true)]
    [InlineData("http://*:8779", null, true)]
    [InlineData("http://10.1.2.3:8779", null, true)]
    [InlineData("http://10.1.2.3:8779", false, false)]
    [InlineData("http://127.0.0.1:8779", true, true)]
    public void Tls_for_sse_c_is_required_unless_the_listener_is_loopback(string url, bool? setting, bool required)
    {
        var options = new WalrusOptions { DataDir = "/nonexistent", Url = url, SseCustomerKeyRequiresTls = setting };
        Assert.Equal(required, new SseService(new MasterKey(options), options).RequireTlsForCustomerKeys);
    }

    [Fact]
    public async Task Sse_kms_without_a_key_service_is_ServiceUnavailable_and_stores_nothing()
    {
        await using var host = await WalrusHost.StartAsync();
        var alice = await host.CreateAccountAsync("alice");
        using var dir = new TempDir();
        await using var walrus = await WalrusServer.StartAsync(new WalrusOptions { DataDir = dir.Path, Url = "http://127.0.0.1:0" }, host.Accounts);
        using var s3 = new AmazonS3Client(alice.AccessKeyId, alice.SecretAccessKey,
            new AmazonS3Config { ServiceURL = walrus.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });
        await s3.PutBucketAsync("nokms");
        await S3Expect.ErrorAsync("ServiceUnavailable", HttpStatusCode.ServiceUnavailable, () => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "nokms", Key = "k", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AWSKMS,
        }));
        await S3Expect.ErrorAsync("NoSuchKey", HttpStatusCode.NotFound, () => s3.GetObjectAsync("nokms", "k"));
        // SSE-S3 needs no key service.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "nokms", Key = "s3", ContentBody = "x", ServerSideEncryptionMethod = ServerSideEncryptionMethod.AES256 });
        await walrus.StopAsync();
    }
}
