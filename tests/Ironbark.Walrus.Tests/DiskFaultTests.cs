using System.Security.Cryptography;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Every request that writes object bytes, on a disk that fails the first or the last write, the fsync, the rename or
/// the directory fsync: the client gets 500 InternalError (never a success, never a hang), the key keeps its previous
/// object intact, nothing half-written is listed or readable, the store holds no leftover, and the same request
/// succeeds once the disk is good again.
/// </summary>
public abstract class DiskFaultTests(NaughtyDiskFixture f) : IDisposable
{
    private const int Size = NaughtyDiskFixture.ObjectSize;

    /// <summary>A test that fails midway leaves no fault behind for the next.</summary>
    public void Dispose() => f.Disk.Heal();

    public static TheoryData<DiskFault, int> Faults => new()
    {
        { DiskFault.Write, 1 }, { DiskFault.Write, 4 }, { DiskFault.Fsync, 1 }, { DiskFault.Rename, 1 }, { DiskFault.DirectoryFsync, 1 },
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Put_object(DiskFault fault, int nth)
    {
        var bucket = await f.AliceBucketAsync("put");
        var (old, replacement) = (RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));
        await f.PutAsync(bucket, "kept", old);

        f.Disk.Fail(fault, nth);
        await S3Expect.InternalErrorAsync(() => f.PutAsync(bucket, "kept", replacement));
        await S3Expect.InternalErrorAsync(() => f.PutAsync(bucket, "new", replacement));
        f.Disk.Heal();

        await f.AssertOnlyAsync(bucket, ("kept", old));
        await f.AssertStoreMatchesMetadataAsync();
        await f.PutAsync(bucket, "kept", replacement);
        await f.PutAsync(bucket, "new", replacement);
        await f.AssertOnlyAsync(bucket, ("kept", replacement), ("new", replacement));
        await f.AssertStoreMatchesMetadataAsync();
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Upload_part(DiskFault fault, int nth)
    {
        var bucket = await f.AliceBucketAsync("part");
        var part = RandomNumberGenerator.GetBytes(Size);
        var uploadId = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "key")).UploadId;

        f.Disk.Fail(fault, nth);
        await S3Expect.InternalErrorAsync(() => f.UploadPartAsync(bucket, "key", uploadId, part));
        f.Disk.Heal();

        Assert.Empty((await f.AliceS3.ListPartsAsync(bucket, "key", uploadId)).Parts ?? []);
        await f.AssertStoreMatchesMetadataAsync();
        var etag = await f.UploadPartAsync(bucket, "key", uploadId, part);
        await f.CompleteAsync(bucket, "key", uploadId, etag);
        await f.AssertOnlyAsync(bucket, ("key", part));
        await f.AssertStoreMatchesMetadataAsync();
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Complete_multipart_upload(DiskFault fault, int nth)
    {
        var bucket = await f.AliceBucketAsync("complete");
        var (old, part) = (RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));
        await f.PutAsync(bucket, "key", old);
        var uploadId = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "key")).UploadId;
        var etag = await f.UploadPartAsync(bucket, "key", uploadId, part);

        f.Disk.Fail(fault, nth);
        await S3Expect.InternalErrorAsync(() => f.CompleteAsync(bucket, "key", uploadId, etag));
        f.Disk.Heal();

        await f.AssertOnlyAsync(bucket, ("key", old));
        // The upload is as it was: its part is still there to complete with.
        Assert.Equal(etag, Assert.Single((await f.AliceS3.ListPartsAsync(bucket, "key", uploadId)).Parts).ETag);
        await f.AssertStoreMatchesMetadataAsync();
        await f.CompleteAsync(bucket, "key", uploadId, etag);
        await f.AssertOnlyAsync(bucket, ("key", part));
        await f.AssertStoreMatchesMetadataAsync();
    }

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task Copy_object(DiskFault fault, int nth)
    {
        var bucket = await f.AliceBucketAsync("copy");
        var (source, old) = (RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));
        await f.PutAsync(bucket, "source", source);
        await f.PutAsync(bucket, "target", old);

        f.Disk.Fail(fault, nth);
        await S3Expect.InternalErrorAsync(() => f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "target"));
        await S3Expect.InternalErrorAsync(() => f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "new"));
        f.Disk.Heal();

        await f.AssertOnlyAsync(bucket, ("source", source), ("target", old));
        await f.AssertStoreMatchesMetadataAsync();
        await f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "target");
        await f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "new");
        await f.AssertOnlyAsync(bucket, ("new", source), ("source", source), ("target", source));
        await f.AssertStoreMatchesMetadataAsync();
    }
}

public sealed class SqliteDiskFaultTests(SqliteNaughtyDiskFixture f) : DiskFaultTests(f), IClassFixture<SqliteNaughtyDiskFixture>;

public sealed class PostgresDiskFaultTests(PostgresNaughtyDiskFixture f) : DiskFaultTests(f), IClassFixture<PostgresNaughtyDiskFixture>;
