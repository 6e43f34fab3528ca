using System.Security.Cryptography;
using Amazon.S3.Model;
using Ironbark.Testing;
using Ironbark.Walrus.Backends;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// The blob write path at the sizes where it changes behaviour: empty, around one 4 KiB block (an
/// O_DIRECT tail is written padded and cut), around one 512 KiB buffer (where a file starts
/// bypassing the page cache) and several buffers with a ragged tail. On a disk filesystem and on
/// tmpfs, which may refuse O_DIRECT.
/// </summary>
public sealed class BlobWriteTests(SqliteWalrusFixture f) : IClassFixture<SqliteWalrusFixture>
{
    private const int Chunk = 512 * 1024;

    public static TheoryData<int> Sizes => [0, 1, 4095, 4096, 4097, Chunk - 1, Chunk, Chunk + 1, 3 * Chunk + 12345];

    public static TheoryData<string> Roots => ["disk", "tmpfs"];

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Store_writes_every_size_byte_exact(string root)
    {
        using var dir = TempRoot(root);
        if (dir is null)
            return;
        using var store = new FileObjectStore(dir.Path);
        foreach (var size in Sizes)
        {
            var bytes = RandomNumberGenerator.GetBytes(size);
            var blob = await store.WriteAsync(new MemoryStream(bytes), long.MaxValue, default);
            Assert.Equal(size, blob.Size);
            Assert.Equal(MD5.HashData(bytes), blob.Md5);
            Assert.Equal(bytes, await ReadAllAsync(store, blob.Id));
        }
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Concat_and_copy_cross_buffer_and_block_boundaries(string root)
    {
        using var dir = TempRoot(root);
        if (dir is null)
            return;
        using var store = new FileObjectStore(dir.Path);
        // Parts that end mid-block make every later part land at an unaligned offset of the new file.
        var parts = new[] { RandomNumberGenerator.GetBytes(Chunk + 1), RandomNumberGenerator.GetBytes(4095), RandomNumberGenerator.GetBytes(2 * Chunk + 7) };
        var ids = new List<string>();
        foreach (var part in parts)
            ids.Add((await store.WriteAsync(new MemoryStream(part), long.MaxValue, default)).Id);
        var whole = parts.SelectMany(p => p).ToArray();

        var concat = await store.ConcatAsync(ids, default);
        Assert.Equal(whole.Length, concat.Size);
        Assert.Equal(MD5.HashData(whole), concat.Md5);
        Assert.Equal(whole, await ReadAllAsync(store, concat.Id));

        var range = whole.AsSpan(4097, Chunk + 4096).ToArray();
        var copy = await store.CopyAsync(concat.Id, 4097, range.Length, default);
        Assert.Equal(MD5.HashData(range), copy.Md5);
        Assert.Equal(range, await ReadAllAsync(store, copy.Id));
    }

    [Theory]
    [MemberData(nameof(Roots))]
    public async Task Reads_from_any_offset_in_any_size_return_the_right_bytes(string root)
    {
        using var dir = TempRoot(root);
        if (dir is null)
            return;
        using var store = new FileObjectStore(dir.Path);
        var bytes = RandomNumberGenerator.GetBytes(3 * Chunk + 12345);
        var id = (await store.WriteAsync(new MemoryStream(bytes), long.MaxValue, default)).Id;
        await using var input = store.OpenRead(id);
        Assert.Equal(bytes.Length, input.Length);
        // Forwards, backwards, across chunk and block boundaries, into the ragged tail, with odd read sizes.
        var offsets = new long[] { 0, 1, 4095, Chunk - 1, Chunk, Chunk + 1, 2 * Chunk + 5, 7, bytes.Length - 1, 3 * Chunk - 3, Chunk / 2 };
        var sizes = new[] { 1, 7, 4096, 300_000, Chunk + 3 };
        foreach (var offset in offsets)
            foreach (var size in sizes)
            {
                input.Seek(offset, SeekOrigin.Begin);
                var want = (int)Math.Min(size, bytes.Length - offset);
                var got = new byte[want];
                var total = 0;
                int read;
                while (total < want && (read = await input.ReadAsync(got.AsMemory(total))) > 0)
                    total += read;
                Assert.Equal(want, total);
                Assert.True(bytes.AsSpan((int)offset, want).SequenceEqual(got), $"bytes at {offset}, {size} asked");
            }
        input.Seek(0, SeekOrigin.End);
        Assert.Equal(0, await input.ReadAsync(new byte[10]));
    }

    [Fact]
    public async Task Body_over_the_limit_is_refused_and_leaves_no_temp_file()
    {
        using var dir = TempRoot("disk")!;
        using var store = new FileObjectStore(dir.Path);
        await Assert.ThrowsAsync<BodyTooLargeException>(() => store.WriteAsync(new MemoryStream(new byte[Chunk + 1]), Chunk, default));
        Assert.Empty(Directory.EnumerateFiles(dir.Combine("tmp"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Put_and_get_through_s3_at_every_size()
    {
        var bucket = await f.AliceBucketAsync("sizes");
        foreach (var size in Sizes)
        {
            var bytes = RandomNumberGenerator.GetBytes(size);
            var put = await f.AliceS3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"o{size}", InputStream = new MemoryStream(bytes) });
            Assert.Equal($"\"{Convert.ToHexStringLower(MD5.HashData(bytes))}\"", put.ETag);
            using var get = await f.AliceS3.GetObjectAsync(bucket, $"o{size}");
            var read = new MemoryStream();
            await get.ResponseStream.CopyToAsync(read);
            Assert.Equal(bytes, read.ToArray());
            if (size < 2)
                continue;
            // A range from the middle to the end: from the middle of a chunk of a large blob, into its tail.
            using var range = await f.AliceS3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = $"o{size}", ByteRange = new ByteRange(size / 2 + 1, size - 1) });
            var part = new MemoryStream();
            await range.ResponseStream.CopyToAsync(part);
            Assert.Equal(bytes[(size / 2 + 1)..], part.ToArray());
        }
    }

    private static async Task<byte[]> ReadAllAsync(FileObjectStore store, string id)
    {
        await using var input = store.OpenRead(id);
        var read = new MemoryStream();
        await input.CopyToAsync(read);
        return read.ToArray();
    }

    /// <summary>A fresh directory on a disk filesystem (/tmp) or on tmpfs (/dev/shm); null where there is no /dev/shm.</summary>
    private static TempDir? TempRoot(string kind) =>
        kind == "disk" ? new TempDir() : Directory.Exists("/dev/shm") ? new TempDir("/dev/shm") : null;
}
