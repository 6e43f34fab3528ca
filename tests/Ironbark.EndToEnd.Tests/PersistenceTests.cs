using System.Diagnostics;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>A graceful stop (SIGTERM) and a start on the same data directory keep everything.</summary>
public sealed class PersistenceTests
{
    [Fact]
    public async Task Sigterm_stops_cleanly_and_a_restart_keeps_objects_and_metadata()
    {
        await using var cloud = await Cloud.StartAsync();
        var bucket = TestData.BucketName("keep");
        var bodies = Enumerable.Range(0, 5).ToDictionary(i => $"docs/{i}.bin", i => TestData.RandomBytes(1000 + 50_000 * i));
        var multipart = TestData.RandomBytes(11 * 1024 * 1024);
        var before = cloud.Admin;
        using (var s3 = before.S3Client())
        {
            await s3.PutBucketAsync(bucket);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
            foreach (var (key, body) in bodies)
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket, Key = key, InputStream = new MemoryStream(body), ContentType = "application/x-test",
                    Metadata = { ["origin"] = key }, CannedACL = S3CannedACL.PublicRead,
                });
            await PutMultipartAsync(s3, bucket, "big.bin", multipart);
        }

        var stopwatch = Stopwatch.StartNew();
        Assert.Equal(0, await cloud.Process.StopAsync(TimeSpan.FromSeconds(10)));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Graceful stop took {stopwatch.Elapsed}.");
        Assert.Contains("Stopping", cloud.Process.Output);

        await cloud.StartProcessAsync();
        Assert.Equal(before with { S3Url = cloud.Admin.S3Url, Ec2Url = cloud.Admin.Ec2Url }, cloud.Admin);
        Assert.DoesNotContain("Created the cloud admin", cloud.Process.Output);
        using var after = cloud.Admin.S3Client();
        var versioning = await after.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Enabled, versioning.VersioningConfig.Status);
        var listed = await after.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(bodies.Keys.Append("big.bin").Order(), listed.S3Objects.Select(o => o.Key).Order());
        using var http = new HttpClient();
        foreach (var (key, body) in bodies)
        {
            using var get = await after.GetObjectAsync(bucket, key);
            Assert.Equal(TestData.Md5Hex(body), await TestData.Md5HexAsync(get.ResponseStream));
            Assert.Equal($"\"{TestData.Md5Hex(body)}\"", get.ETag);
            Assert.Equal("application/x-test", get.Headers.ContentType);
            Assert.Equal(key, get.Metadata["origin"]);
            // The public-read ACL survived too: anyone may fetch it.
            Assert.Equal(body, await http.GetByteArrayAsync($"{cloud.Admin.S3Url}/{bucket}/{key}"));
        }
        using var big = await after.GetObjectAsync(bucket, "big.bin");
        Assert.EndsWith("-3\"", big.ETag);
        Assert.Equal(TestData.Md5Hex(multipart), await TestData.Md5HexAsync(big.ResponseStream));
        using var privateBig = await http.GetAsync($"{cloud.Admin.S3Url}/{bucket}/big.bin");
        Assert.Equal(HttpStatusCode.Forbidden, privateBig.StatusCode);

        // Ctrl-C in the foreground is as graceful as SIGTERM.
        Assert.Equal(0, await cloud.Process.StopAsync(TimeSpan.FromSeconds(10), interrupt: true));
        Assert.Contains("Stopping", cloud.Process.Output);
    }

    [Fact]
    public async Task Second_up_on_the_same_data_dir_refuses_to_start_and_leaves_the_first_alone()
    {
        await using var cloud = await Cloud.StartAsync();
        var bucket = TestData.BucketName("owner");
        using var s3 = cloud.Admin.S3Client();
        await s3.PutBucketAsync(bucket);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "first" });
        // Stands for an upload of the running cloud in flight: a second Walrus recovering the
        // directory would delete it, and with it blobs renamed into place but not yet committed.
        var inFlight = Path.Combine(cloud.WalrusTmp, "0123456789abcdef0123456789abcdef");
        await File.WriteAllTextAsync(inFlight, "partial");

        var (code, stdout, stderr) = await ProcessRunner.RunAsync(IronbarkBinary.DotnetHost,
            [IronbarkBinary.DllPath, "up", "--data-dir", cloud.DataDir, "--clc-listen", "http://127.0.0.1:0", "--clc-internal-listen", "https://127.0.0.1:0", "--walrus-listen", "http://127.0.0.1:0", "--cc-listen", "https://127.0.0.1:0", "--nc-listen", "https://127.0.0.1:0", "--accel", "tcg"], timeout: TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, code);
        Assert.Contains("in use", stdout + stderr);
        Assert.True(File.Exists(inFlight), "The second instance removed the first one's temp file.");

        File.Delete(inFlight);
        using var get = await s3.GetObjectAsync(bucket, "k");
        Assert.Equal("first", await new StreamReader(get.ResponseStream).ReadToEndAsync());
    }

    private static async Task PutMultipartAsync(IAmazonS3 s3, string bucket, string key, byte[] body)
    {
        const int partSize = 5 * 1024 * 1024;
        var upload = await s3.InitiateMultipartUploadAsync(bucket, key);
        var parts = new List<PartETag>();
        for (var (offset, number) = (0, 1); offset < body.Length; offset += partSize, number++)
        {
            var part = await s3.UploadPartAsync(new UploadPartRequest
            {
                BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = number,
                InputStream = new MemoryStream(body, offset, Math.Min(partSize, body.Length - offset)),
            });
            parts.Add(new PartETag(number, part.ETag));
        }
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = parts });
    }
}
