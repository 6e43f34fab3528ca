using System.Net;
using Ironbark.Testing;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// The Debian s3cmd against Walrus (SigV4 and SigV2): `info` shows the ACL (its parser strips only a default namespace
/// written as the root's first attribute), and `setacl --acl-public` sends back the owner it read and makes the object public.
/// </summary>
public abstract class S3cmdTests(WalrusFixture f)
{
    private async Task<string> S3cmdAsync(bool signatureV2, params string[] args)
    {
        var config = Path.Combine(f.Host.DataDir, $"s3cmd-{Guid.NewGuid():N}.cfg");
        await File.WriteAllTextAsync(config, $"""
            [default]
            access_key = {f.Alice.AccessKeyId}
            secret_key = {f.Alice.SecretAccessKey}
            host_base = {f.Host.Endpoint.Authority}
            host_bucket = {f.Host.Endpoint.Authority}
            use_https = False
            bucket_location = ironbark
            signature_v2 = {(signatureV2 ? "True" : "False")}
            """);
        try
        {
            var (code, stdout, stderr) = await ProcessRunner.RunAsync("/usr/bin/s3cmd", ["-c", config, .. args],
                new Dictionary<string, string> { ["HOME"] = f.Host.DataDir }, timeout: TimeSpan.FromSeconds(60));
            Assert.True(code == 0, $"s3cmd {string.Join(' ', args)} failed ({code}):\n{stdout}\n{stderr}");
            return stdout;
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Info_shows_the_acl_and_setacl_acl_public_makes_the_object_public(bool signatureV2)
    {
        var bucket = await f.AliceBucketAsync("s3cmd");
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "hello");
        await S3Expect.DeniedAsync(() => f.Anonymous.GetObjectAsync(bucket, "k"));

        var info = await S3cmdAsync(signatureV2, "info", $"s3://{bucket}/k");
        Assert.Contains("alice: FULL_CONTROL", info);
        Assert.DoesNotContain("*anon*", info);

        var set = await S3cmdAsync(signatureV2, "setacl", "--acl-public", $"s3://{bucket}/k");
        Assert.Contains("ACL set to Public", set);
        Assert.Equal("hello", await S3Expect.ReadAsync(f.Anonymous, bucket, "k"));
        var after = await S3cmdAsync(signatureV2, "info", $"s3://{bucket}/k");
        Assert.Contains("*anon*: READ", after);
        Assert.Contains("alice: FULL_CONTROL", after);

        await S3cmdAsync(signatureV2, "setacl", "--acl-private", $"s3://{bucket}/k");
        await S3Expect.ErrorAsync("AccessDenied", HttpStatusCode.Forbidden, () => f.Anonymous.GetObjectAsync(bucket, "k"));
    }
}

public sealed class SqliteS3cmdTests(SqliteWalrusFixture f) : S3cmdTests(f), IClassFixture<SqliteWalrusFixture>;

public sealed class PostgresS3cmdTests(PostgresWalrusFixture f) : S3cmdTests(f), IClassFixture<PostgresWalrusFixture>;
