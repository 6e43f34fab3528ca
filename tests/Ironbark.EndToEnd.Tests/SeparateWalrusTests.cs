using System.Diagnostics;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Common.Pki;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// Walrus and the CLC as two processes on two data directories, as on two hosts: Walrus's holds only a copy of
/// the cloud's certificates (no identity.db, no secret key) and it authenticates every request through the CLC's
/// identity service. Keys made and deleted with `ironbark admin` at the CLC work, and stop working, at Walrus.
/// </summary>
public sealed class SeparateWalrusTests : IDisposable
{
    private readonly TempDir _work = new();

    [Fact]
    public async Task Walrus_without_the_identity_database_authenticates_through_the_clc()
    {
        var (clcDir, walrusDir) = await CloudWithAnotherHostAsync("clc-host", "walrus-host");

        IronbarkProcess? clc = await StartClcAsync(clcDir, "https://127.0.0.1:0");
        var identityUrl = clc.ClcInternalUrl!.ToString().TrimEnd('/');
        await using var walrus = await IronbarkProcess.StartCommandAsync(["walrus", "--data-dir", walrusDir, "--walrus-listen", "http://127.0.0.1:0",
            "--clc-url", identityUrl]);
        try
        {
            Assert.False(File.Exists(Path.Combine(walrusDir, "identity.db")), "Walrus made an identity database of its own.");
            Assert.False(File.Exists(Path.Combine(walrusDir, "keys", "secrets.key")), "Walrus made a secret key of its own.");

            // The admin's key, from the CLC's data directory, works at Walrus.
            var admin = CloudCredentials.FromEnvOutput(await IronbarkBinary.RunOkAsync("env", "--data-dir", clcDir));
            using var adminS3 = S3(walrus.S3Url, admin.AccessKeyId, admin.SecretAccessKey);
            var bucket = TestData.BucketName("split");
            await adminS3.PutBucketAsync(bucket);
            await adminS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "through the CLC" });

            // A key made at the CLC works at once; deleted there, it stops within Walrus's cache lifetime (5 s).
            var carol = admin.WithKeyFrom(await IronbarkBinary.RunOkAsync("admin", "create-account", "carol", "--data-dir", clcDir));
            using var carolS3 = S3(walrus.S3Url, carol.AccessKeyId, carol.SecretAccessKey);
            await carolS3.ListBucketsAsync();
            await IronbarkBinary.RunOkAsync("admin", "delete-access-key", carol.AccessKeyId, "--data-dir", clcDir);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    await carolS3.ListBucketsAsync();
                }
                catch (AmazonS3Exception e)
                {
                    Assert.Equal("InvalidAccessKeyId", e.ErrorCode);
                    break;
                }
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), "The deleted key still works at Walrus after the 5 s cache lifetime.");
                await Task.Delay(200);
            }

            // Without its CLC, Walrus can check no key once its cache is stale: 503, never a pass and never "unknown key".
            Assert.Equal(0, await clc.StopAsync(TimeSpan.FromSeconds(30)));
            await clc.DisposeAsync();
            clc = null;
            await Task.Delay(TimeSpan.FromSeconds(5.5));
            var down = await Assert.ThrowsAsync<AmazonS3Exception>(() => adminS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }));
            Assert.Equal("ServiceUnavailable", down.ErrorCode);
            Assert.Equal(503, (int)down.StatusCode);

            // The CLC back on its port: Walrus finds it again, and the object is there.
            clc = await StartClcAsync(clcDir, identityUrl);
            using var get = await adminS3.GetObjectAsync(bucket, "k");
            Assert.Equal("through the CLC", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        }
        finally
        {
            if (clc is not null)
                await clc.DisposeAsync();
        }
    }

    [Theory]
    [InlineData("walrus", "--walrus-listen", "http://127.0.0.1:0")]
    [InlineData("cc", "--cc-listen", "https://127.0.0.1:0")]
    [InlineData("nc", "--nc-listen", "https://127.0.0.1:0")]
    public async Task A_component_but_the_clc_refuses_to_start_on_a_data_directory_without_the_clouds_certificates(string command, string listen, string url)
    {
        var dir = _work.Combine("empty-" + command);
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var (code, _, stderr) = await IronbarkBinary.RunAsync(command, "--data-dir", dir, listen, url);

        Assert.Equal(1, code);
        Assert.Contains("no cloud certificates", stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir));
    }

    [Fact]
    public async Task An_nc_refuses_to_start_without_the_system_credentials_it_fetches_images_with()
    {
        var (_, ncDir) = await CloudWithAnotherHostAsync("clc-for-nc", "nc-host");
        File.Delete(Path.Combine(ncDir, "pki", "system.credentials"));

        var (code, _, stderr) = await IronbarkBinary.RunAsync("nc", "--data-dir", ncDir, "--nc-listen", "https://127.0.0.1:0");

        Assert.Equal(1, code);
        Assert.Contains("no system credentials", stderr);
        Assert.False(Directory.Exists(Path.Combine(ncDir, "nc")), "The NC made state before refusing to start.");
    }

    /// <summary>
    /// A cloud made with `ironbark init` (the CLC's host) and the private data directory of another host holding a copy
    /// of its pki/, as `cp -a` keeps it.
    /// </summary>
    private async Task<(string ClcDir, string OtherDir)> CloudWithAnotherHostAsync(string clcName, string otherName)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        var (clcDir, otherDir) = (_work.Combine(clcName), _work.Combine(otherName));
        await IronbarkBinary.RunOkAsync("init", "--data-dir", clcDir);
        Directory.CreateDirectory(otherDir, Private);
        TestCertificates.CopyPkiInto(new CloudCertificates(Path.Combine(clcDir, "pki")), otherDir);
        File.SetUnixFileMode(Path.Combine(otherDir, "pki"), Private);
        return (clcDir, otherDir);
    }

    private static Task<IronbarkProcess> StartClcAsync(string dataDir, string internalUrl) =>
        IronbarkProcess.StartCommandAsync(["clc", "--data-dir", dataDir, "--clc-listen", "http://127.0.0.1:0", "--clc-internal-listen", internalUrl]);

    private static AmazonS3Client S3(Uri endpoint, string accessKeyId, string secret) => new(new BasicAWSCredentials(accessKeyId, secret),
        new AmazonS3Config { ServiceURL = endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });

    public void Dispose() => _work.Dispose();
}
