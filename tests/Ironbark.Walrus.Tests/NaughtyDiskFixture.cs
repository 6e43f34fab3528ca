using Amazon.S3.Model;
using Ironbark.Testing;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Store;
using Microsoft.Extensions.DependencyInjection;

namespace Ironbark.Walrus.Tests;

/// <summary>A Walrus whose object store writes and reads through a <see cref="NaughtyDisk"/> the tests control.</summary>
public abstract class NaughtyDiskFixture : WalrusFixture
{
    /// <summary>
    /// The size of the tests' objects: a blob, not inline; written in four calls (three whole 512 KiB buffers, the later
    /// ones O_DIRECT where the filesystem takes it, and a ragged tail).
    /// </summary>
    public const int ObjectSize = 3 * 512 * 1024 + 4097;

    internal NaughtyDisk Disk { get; } = new(LocalDisk.Instance);

    protected override Func<WalrusOptions, IObjectStore>? ObjectStore => o => new FileObjectStore(o.ObjectDir, Disk);

    /// <summary>
    /// Asserts that the object store holds exactly what the metadata names: no temp file, no blob that no object or
    /// part references (a write that failed left nothing), and every referenced blob present (nothing acknowledged is missing).
    /// </summary>
    public Task AssertStoreMatchesMetadataAsync() => AssertStoreMatchesMetadataAsync(Host);

    /// <inheritdoc cref="AssertStoreMatchesMetadataAsync()"/>
    public static async Task AssertStoreMatchesMetadataAsync(WalrusHost host)
    {
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(host.Options.ObjectDir, "tmp"), "*", SearchOption.AllDirectories));
        var (stored, referenced) = await BlobsAsync(host);
        Assert.Empty(stored.Except(referenced));
        Assert.Empty(referenced.Except(stored));
    }

    /// <summary>The blob files in the store, and the blobs the metadata names.</summary>
    public static async Task<(HashSet<string> Stored, HashSet<string> Referenced)> BlobsAsync(WalrusHost host)
    {
        var referenced = await host.Server.Services.GetRequiredService<WalrusStore>().ReferencedBlobsAsync(default);
        var stored = Directory.EnumerateFiles(Path.Combine(host.Options.ObjectDir, "blobs"), "*", SearchOption.AllDirectories)
            .Select(file => Path.GetFileName(file)).ToHashSet(StringComparer.Ordinal);
        return (stored, referenced);
    }

    /// <summary>Asserts the bucket lists exactly these keys, each with its size and ETag, and that each reads back whole.</summary>
    public async Task AssertOnlyAsync(string bucket, params (string Key, byte[] Bytes)[] objects)
    {
        var listed = (await AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.Equal(objects.Select(o => o.Key), listed.Select(o => o.Key));
        foreach (var ((key, bytes), entry) in objects.Zip(listed))
        {
            Assert.Equal(bytes.Length, entry.Size);
            using var get = await AliceS3.GetObjectAsync(bucket, key);
            Assert.Equal(entry.ETag, get.ETag);
            var read = new MemoryStream();
            await get.ResponseStream.CopyToAsync(read);
            Assert.True(bytes.AsSpan().SequenceEqual(read.ToArray()), $"{key} reads back as it was stored");
        }
    }

    public Task PutAsync(string bucket, string key, byte[] bytes) =>
        AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(bytes) });

    public async Task<string> UploadPartAsync(string bucket, string key, string uploadId, byte[] bytes) =>
        (await AliceS3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(bytes),
        })).ETag;

    public Task CompleteAsync(string bucket, string key, string uploadId, string etag) =>
        AliceS3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartETags = [new PartETag(1, etag)],
        });
}

public sealed class SqliteNaughtyDiskFixture : NaughtyDiskFixture
{
    protected override bool UsePostgres => false;
}

public sealed class PostgresNaughtyDiskFixture : NaughtyDiskFixture
{
    protected override bool UsePostgres => true;
}
