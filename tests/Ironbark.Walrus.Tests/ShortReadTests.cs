using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Reads that return less than asked. In small pieces (legal for any stream): every object still comes out whole.
/// Ending before the blob's length (a damaged disk): a GET never ends as if complete, and a copy or a multipart
/// completion from such a blob fails instead of storing a shorter object under the source's size.
/// </summary>
public sealed class ShortReadTests(SqliteNaughtyDiskFixture f) : IClassFixture<SqliteNaughtyDiskFixture>, IDisposable
{
    private const int Size = NaughtyDiskFixture.ObjectSize;

    /// <summary>A test that fails midway leaves no fault behind for the next.</summary>
    public void Dispose() => f.Disk.Heal();

    [Fact]
    public async Task Reads_in_small_pieces_still_serve_copy_and_concatenate_whole_objects()
    {
        var bucket = await f.AliceBucketAsync("pieces");
        var bytes = RandomNumberGenerator.GetBytes(Size);
        await f.PutAsync(bucket, "object", bytes);
        var uploadId = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "concatenated")).UploadId;

        f.Disk.ReadInPiecesOf(4093);
        using (var range = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "object", ByteRange = new ByteRange(4097, Size - 2) }))
        {
            var read = new MemoryStream();
            await range.ResponseStream.CopyToAsync(read);
            Assert.True(bytes.AsSpan(4097, Size - 4098).SequenceEqual(read.ToArray()));
        }
        await f.AliceS3.CopyObjectAsync(bucket, "object", bucket, "copy");
        // The part is read in pieces twice: copied from the object, then concatenated.
        var part = (await f.AliceS3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "object", DestinationBucket = bucket, DestinationKey = "concatenated", UploadId = uploadId, PartNumber = 1,
        })).ETag;
        await f.CompleteAsync(bucket, "concatenated", uploadId, part);
        await f.AssertOnlyAsync(bucket, ("concatenated", bytes), ("copy", bytes), ("object", bytes));
        f.Disk.Heal();
        await f.AssertStoreMatchesMetadataAsync();
    }

    [Fact]
    public async Task A_blob_that_ends_early_is_never_served_as_a_whole_object()
    {
        var bucket = await f.AliceBucketAsync("ends-early");
        var bytes = RandomNumberGenerator.GetBytes(Size);
        await f.PutAsync(bucket, "object", bytes);

        // Some bytes are sent before the end shows: the 200 has gone out, so the connection is cut before the declared length.
        f.Disk.EndReadsAt(Size / 2);
        var received = new MemoryStream();
        var cut = await Record.ExceptionAsync(async () =>
        {
            using var get = await f.AliceS3.GetObjectAsync(bucket, "object");
            Assert.Equal(Size, get.ContentLength);
            await get.ResponseStream.CopyToAsync(received);
        }).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsAssignableFrom<IOException>(cut);
        Assert.True(received.Length < Size, $"{received.Length} bytes received of {Size}");
        // Nothing readable at all: the error is known before the answer starts.
        f.Disk.EndReadsAt(0);
        await S3Expect.InternalErrorAsync(() => f.AliceS3.GetObjectAsync(bucket, "object"));

        f.Disk.Heal();
        await f.AssertOnlyAsync(bucket, ("object", bytes));
    }

    [Fact]
    public async Task Copies_and_completions_from_a_blob_that_ends_early_fail_and_store_nothing()
    {
        var bucket = await f.AliceBucketAsync("ends-early-copy");
        var (source, old, part) = (RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size), RandomNumberGenerator.GetBytes(Size));
        await f.PutAsync(bucket, "source", source);
        await f.PutAsync(bucket, "target", old);
        var uploadId = (await f.AliceS3.InitiateMultipartUploadAsync(bucket, "target")).UploadId;
        var etag = await f.UploadPartAsync(bucket, "target", uploadId, part);

        f.Disk.EndReadsAt(Size / 2);
        await S3Expect.InternalErrorAsync(() => f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "target"));
        await S3Expect.InternalErrorAsync(() => f.AliceS3.CopyPartAsync(new CopyPartRequest
        {
            SourceBucket = bucket, SourceKey = "source", DestinationBucket = bucket, DestinationKey = "target", UploadId = uploadId, PartNumber = 2,
        }));
        await S3Expect.InternalErrorAsync(() => f.CompleteAsync(bucket, "target", uploadId, etag));
        f.Disk.Heal();

        await f.AssertOnlyAsync(bucket, ("source", source), ("target", old));
        Assert.Equal(etag, Assert.Single((await f.AliceS3.ListPartsAsync(bucket, "target", uploadId)).Parts).ETag);
        await f.AssertStoreMatchesMetadataAsync();
        await f.AliceS3.CopyObjectAsync(bucket, "source", bucket, "copy");
        await f.CompleteAsync(bucket, "target", uploadId, etag);
        await f.AssertOnlyAsync(bucket, ("copy", source), ("source", source), ("target", part));
        await f.AssertStoreMatchesMetadataAsync();
    }
}
