using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using Ironbark.Testing;
using Ironbark.Walrus.Backends;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A blob that cannot be deleted once a commit has released it (or a failed request discards it): the request
/// answers what it did, the objects stay readable, and the next start removes the leftover.
/// </summary>
public sealed class ReleasedBlobTests : IAsyncLifetime
{
    private const int Size = NaughtyDiskFixture.ObjectSize;
    private const string Bucket = "released";
    private readonly NaughtyDisk _disk = new(LocalDisk.Instance);
    private WalrusHost _host = null!;

    public async Task InitializeAsync() => _host = await WalrusHost.StartAsync(objectStore: o => new FileObjectStore(o.ObjectDir, _disk));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Requests_whose_blobs_cannot_be_deleted_answer_what_they_did_and_the_next_start_removes_the_blobs()
    {
        var alice = await _host.CreateAccountAsync("alice");
        var (old, replacement) = (RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));
        using (var s3 = _host.Client(alice))
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "overwritten", InputStream = new MemoryStream(old) });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "deleted", InputStream = new MemoryStream(old) });

            // One failed unlink each: of the blob an overwrite replaces, of the blob a delete releases, of the blob a
            // refused request had stored. Only that one blob may be left behind, nothing else undone.
            _disk.Fail(DiskFault.Delete, times: 1);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "overwritten", InputStream = new MemoryStream(replacement) });
            _disk.Fail(DiskFault.Delete, times: 1);
            await s3.DeleteObjectAsync(Bucket, "deleted");
            _disk.Fail(DiskFault.Delete, times: 1);
            await S3Expect.ErrorAsync("BadDigest", HttpStatusCode.BadRequest, () => s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket, Key = "refused", InputStream = new MemoryStream(replacement), MD5Digest = Convert.ToBase64String(MD5.HashData(old)),
            }));
            _disk.Heal();

            await AssertOnlyOverwrittenAsync(s3, replacement);
        }
        var (stored, referenced) = await NaughtyDiskFixture.BlobsAsync(_host);
        Assert.Equal(3, stored.Except(referenced).Count());
        await _host.RestartAsync();
        using (var s3 = _host.Client(alice))
            await AssertOnlyOverwrittenAsync(s3, replacement);
        await NaughtyDiskFixture.AssertStoreMatchesMetadataAsync(_host);
    }

    private static async Task AssertOnlyOverwrittenAsync(Amazon.S3.IAmazonS3 s3, byte[] bytes)
    {
        Assert.Equal(["overwritten"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).S3Objects.Select(o => o.Key));
        using var get = await s3.GetObjectAsync(Bucket, "overwritten");
        var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        Assert.True(bytes.AsSpan().SequenceEqual(read.ToArray()), "the overwrite reads back as stored");
    }
}
