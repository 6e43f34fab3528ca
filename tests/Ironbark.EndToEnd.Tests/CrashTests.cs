using System.Globalization;
using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// kill -9 of `ironbark up` in the middle of uploads, then a start on the same data directory:
/// nothing acknowledged is lost, nothing partial is visible, and no temp file or orphan blob is left.
/// Each test has a cloud of its own, since it kills it; state in SQLite files or in PostgreSQL.
/// </summary>
public abstract class CrashTests
{
    private const int Workers = 16;
    /// <summary>What `ironbark up` keeps inline by default: objects up to this size have no blob file.</summary>
    private const int InlineMaxBytes = Ironbark.Walrus.WalrusOptions.DefaultInlineMaxBytes;

    protected abstract Task<Cloud> StartCloudAsync();

    [Fact]
    public async Task Kill_9_during_concurrent_uploads_keeps_every_acknowledged_object_whole()
    {
        await using var cloud = await StartCloudAsync();
        var bucket = TestData.BucketName("crash");
        using (var s3 = cloud.Admin.S3Client())
            await s3.PutBucketAsync(bucket);

        var sent = new ConcurrentDictionary<string, string>();
        var acknowledged = new ConcurrentDictionary<string, string>();
        var unexpected = new ConcurrentQueue<Exception>();
        var killing = 0;
        using var client = cloud.Admin.S3Client();
        var workers = Enumerable.Range(0, Workers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref killing) == 0; i++)
            {
                var key = $"w{w:D2}/{i:D4}";
                // Half small (their bytes go into the metadata row), half large (a blob file each).
                var body = TestData.RandomBytes(i % 2 == 0 ? Random.Shared.Next(0, InlineMaxBytes + 1) : Random.Shared.Next(64 * 1024, 4 * 1024 * 1024 + 1));
                sent[key] = TestData.Md5Hex(body);
                try
                {
                    var put = await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(body) });
                    if (put.ETag != $"\"{sent[key]}\"")
                        unexpected.Enqueue(new InvalidOperationException($"{key}: ETag {put.ETag}, sent {sent[key]}"));
                    acknowledged[key] = sent[key];
                }
                catch (Exception e)
                {
                    if (Volatile.Read(ref killing) == 0)
                        unexpected.Enqueue(e);
                    return;
                }
            }
        })).ToArray();

        await WaitUntilAsync(() => acknowledged.Count >= 40 || !unexpected.IsEmpty);
        await Task.Delay(Random.Shared.Next(0, 100));
        Volatile.Write(ref killing, 1);
        await cloud.Process.KillAsync();
        await Task.WhenAll(workers);
        Assert.Empty(unexpected);
        Assert.True(sent.Count > acknowledged.Count, "The kill should have interrupted uploads in flight.");

        await cloud.StartProcessAsync();
        using var s3After = cloud.Admin.S3Client();
        var listed = await ListAllAsync(s3After, bucket);
        foreach (var key in acknowledged.Keys)
            Assert.True(listed.Contains(key), $"Acknowledged {key} is gone after kill -9.");
        foreach (var key in listed)
        {
            // Unacknowledged uploads may or may not have made it; whatever is there is whole.
            Assert.True(sent.ContainsKey(key), $"Unexpected object {key}.");
            using var get = await s3After.GetObjectAsync(bucket, key);
            Assert.Equal(sent[key], await TestData.Md5HexAsync(get.ResponseStream));
        }
        // Small objects keep their bytes in their row: only the large ones have a blob.
        AssertNoLeftovers(cloud, listed.Count(key => int.Parse(key[^4..], CultureInfo.InvariantCulture) % 2 == 1));
    }

    [Fact]
    public async Task Concurrent_puts_to_one_key_leave_exactly_one_whole_body_also_across_kill_9()
    {
        await using var cloud = await StartCloudAsync();
        var bucket = TestData.BucketName("onekey");
        using var s3 = cloud.Admin.S3Client();
        await s3.PutBucketAsync(bucket);

        var first = Enumerable.Range(0, 8).Select(i => TestData.RandomBytes(1024 * 1024 + i)).ToArray();
        await Task.WhenAll(first.Select(body => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(body) })));
        Assert.Contains(await Md5OfAsync(s3, bucket, "k"), first.Select(TestData.Md5Hex));

        // A second round, killed as soon as one writer is acknowledged.
        var second = Enumerable.Range(0, 8).Select(i => TestData.RandomBytes(4 * 1024 * 1024 - i)).ToArray();
        var acknowledged = 0;
        var puts = second.Select(async body =>
        {
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", InputStream = new MemoryStream(body) });
                Interlocked.Increment(ref acknowledged);
            }
            catch (Exception)
            {
                // Cut off by the kill: not acknowledged, so it may or may not have been stored.
            }
        }).ToArray();
        await WaitUntilAsync(() => Volatile.Read(ref acknowledged) > 0 || puts.All(p => p.IsCompleted));
        await cloud.Process.KillAsync();
        await Task.WhenAll(puts);

        await cloud.StartProcessAsync();
        using var after = cloud.Admin.S3Client();
        var md5 = await Md5OfAsync(after, bucket, "k");
        // An acknowledged write of round two was committed after all of round one.
        var allowed = acknowledged > 0 ? second : [.. first, .. second];
        Assert.Contains(md5, allowed.Select(TestData.Md5Hex));
        AssertNoLeftovers(cloud, 1);
    }

    [Fact]
    public async Task Multipart_upload_continues_after_kill_9_between_parts()
    {
        await using var cloud = await StartCloudAsync();
        var bucket = TestData.BucketName("mpu");
        const int partSize = 5 * 1024 * 1024;
        var body = TestData.RandomBytes(3 * partSize - 1234);
        var parts = new List<PartETag>();
        string uploadId;
        using (var s3 = cloud.Admin.S3Client())
        {
            await s3.PutBucketAsync(bucket);
            uploadId = (await s3.InitiateMultipartUploadAsync(bucket, "big")).UploadId;
            for (var n = 1; n <= 2; n++)
                parts.Add(new PartETag(n, (await UploadPartAsync(s3, bucket, uploadId, n, body, partSize)).ETag));
        }
        await cloud.Process.KillAsync();

        await cloud.StartProcessAsync();
        using var after = cloud.Admin.S3Client();
        var uploads = await after.ListMultipartUploadsAsync(bucket);
        Assert.Equal(uploadId, Assert.Single(uploads.MultipartUploads).UploadId);
        var listed = await after.ListPartsAsync(new ListPartsRequest { BucketName = bucket, Key = "big", UploadId = uploadId });
        Assert.Equal(parts.Select(p => p.ETag), listed.Parts.Select(p => p.ETag));
        parts.Add(new PartETag(3, (await UploadPartAsync(after, bucket, uploadId, 3, body, partSize)).ETag));
        await after.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "big", UploadId = uploadId, PartETags = parts });
        Assert.Equal(TestData.Md5Hex(body), await Md5OfAsync(after, bucket, "big"));
    }

    private static Task<UploadPartResponse> UploadPartAsync(IAmazonS3 s3, string bucket, string uploadId, int number, byte[] body, int partSize)
    {
        var offset = (number - 1) * partSize;
        return s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "big", UploadId = uploadId, PartNumber = number,
            InputStream = new MemoryStream(body, offset, Math.Min(partSize, body.Length - offset)),
        });
    }

    private static void AssertNoLeftovers(Cloud cloud, int blobs)
    {
        Assert.Equal(cloud.Postgres is null, File.Exists(Path.Combine(cloud.DataDir, "walrus.db")));
        Assert.Empty(Directory.EnumerateFiles(cloud.WalrusTmp, "*", SearchOption.AllDirectories));
        // Unversioned bucket, no multipart uploads: exactly one blob per large object, none orphaned.
        Assert.Equal(blobs, Directory.EnumerateFiles(cloud.WalrusBlobs, "*", SearchOption.AllDirectories).Count());
    }

    private static async Task<HashSet<string>> ListAllAsync(IAmazonS3 s3, string bucket)
    {
        var keys = new HashSet<string>();
        var request = new ListObjectsV2Request { BucketName = bucket };
        ListObjectsV2Response page;
        do
        {
            page = await s3.ListObjectsV2Async(request);
            foreach (var o in page.S3Objects ?? [])
                Assert.True(keys.Add(o.Key), $"{o.Key} listed twice.");
            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);
        return keys;
    }

    private static async Task<string> Md5OfAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        return await TestData.Md5HexAsync(get.ResponseStream);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!condition())
            await Task.Delay(10, timeout.Token);
    }
}

public sealed class SqliteCrashTests : CrashTests
{
    protected override Task<Cloud> StartCloudAsync() => Cloud.StartAsync();
}

public sealed class PostgresCrashTests(PostgresFixture postgres) : CrashTests, IClassFixture<PostgresFixture>
{
    protected override async Task<Cloud> StartCloudAsync() => await Cloud.StartAsync(await postgres.Server.CreateDatabaseAsync());
}
