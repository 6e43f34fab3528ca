using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// Blobs as files: written to <c>tmp/</c>, fsynced, then renamed into <c>blobs/xx/</c> (and the
/// directory fsynced), so a blob either exists whole under its name or not at all; only then may
/// metadata name it. Whatever a crash leaves (tmp files, unreferenced blobs) is removed at start.
/// Memory stays flat: bodies are streamed through a bounded pool of buffers. One process at a
/// time owns the directory (<c>lock</c>).
/// </summary>
public sealed class FileObjectStore : IObjectStore, IDisposable
{
    private const int BufferSize = 512 * 1024;

    /// <summary>Buffers kept between requests (two per copy); a burst of concurrent uploads must not leave all of its buffers resident.</summary>
    private static readonly ArrayPool<byte> Buffers = ArrayPool<byte>.Create(BufferSize, 24);

    private readonly string _blobs;
    private readonly string _tmp;
    private readonly FileStream _lock;

    public FileObjectStore(string root)
    {
        _blobs = Path.Combine(root, "blobs");
        _tmp = Path.Combine(root, "tmp");
        for (var i = 0; i < 256; i++)
        {
            var shard = i.ToString("x2", System.Globalization.CultureInfo.InvariantCulture);
            Directory.CreateDirectory(Path.Combine(_blobs, shard));
            Directory.CreateDirectory(Path.Combine(_tmp, shard));
        }
        _lock = Ironbark.Common.Hosting.DirectoryLock.Acquire(root, "Walrus");
    }

    public void Dispose() => _lock.Dispose();

    public async Task<StoredBlob> WriteAsync(Stream body, long maxBytes, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            // Reading one byte past the limit is how an oversized body shows itself.
            var limit = maxBytes == long.MaxValue ? maxBytes : maxBytes + 1;
            if (await CopyHashedAsync(body, output, md5, limit, ct) > maxBytes)
                throw new BodyTooLargeException(maxBytes);
        }, ct);

    public async Task<StoredBlob> ConcatAsync(IReadOnlyList<string> blobIds, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            foreach (var id in blobIds)
            {
                await using var input = OpenRead(id);
                await CopyHashedAsync(input, output, md5, long.MaxValue, ct);
            }
        }, ct);

    public async Task<StoredBlob> CopyAsync(string blobId, long offset, long length, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            await using var input = OpenRead(blobId);
            input.Seek(offset, SeekOrigin.Begin);
            await CopyHashedAsync(input, output, md5, length, ct);
        }, ct);

    /// <summary>Unbuffered: callers read in large chunks, so a FileStream buffer would only add a copy and an allocation.</summary>
    public Stream OpenRead(string blobId) =>
        new FileStream(BlobPath(blobId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 0,
            FileOptions.Asynchronous | FileOptions.SequentialScan);

    public void Delete(string blobId)
    {
        try
        {
            File.Delete(BlobPath(blobId));
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public Task<int> RecoverAsync(Func<string, bool> isReferenced, CancellationToken ct)
    {
        var removed = 0;
        // tmp/xx/ and, from before temp files were sharded, tmp/ itself.
        foreach (var file in Directory.EnumerateFiles(_tmp, "*", SearchOption.AllDirectories))
        {
            File.Delete(file);
            removed++;
        }
        foreach (var file in Directory.EnumerateFiles(_blobs, "*", SearchOption.AllDirectories))
        {
            ct.ThrowIfCancellationRequested();
            if (!isReferenced(Path.GetFileName(file)))
            {
                File.Delete(file);
                removed++;
            }
        }
        return Task.FromResult(removed);
    }

    private async Task<StoredBlob> WriteNewAsync(Func<FileStream, IncrementalHash, Task> fill, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // Temp files are sharded like blobs: creating a file holds its directory's lock, and in one
        // tmp/ directory concurrent uploads queued (and spun) on that lock while the kernel allocated inodes.
        var temp = Path.Combine(_tmp, id[..2], id);
        var path = BlobPath(id);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        try
        {
            long size;
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                await fill(output, md5);
                await output.FlushAsync(ct);
                output.Flush(flushToDisk: true);
                size = output.Length;
            }
            File.Move(temp, path);
            FsyncDirectory(Path.GetDirectoryName(path)!);
            return new StoredBlob(id, size, md5.GetHashAndReset());
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>
    /// Copies up to <paramref name="length"/> bytes (less at end of input) in whole buffers, hashing them on
    /// the way, with two buffers so that writing one chunk overlaps receiving and hashing the next.
    /// </summary>
    private static async Task<long> CopyHashedAsync(Stream input, Stream output, IncrementalHash md5, long length, CancellationToken ct)
    {
        // The second buffer is taken only when a second chunk comes: small objects need one.
        byte[] current = Buffers.Rent(BufferSize);
        byte[]? next = null;
        var writing = Task.CompletedTask;
        long total = 0;
        try
        {
            while (total < length)
            {
                var want = (int)Math.Min(BufferSize, length - total);
                var read = await input.ReadAtLeastAsync(current.AsMemory(0, want), want, throwOnEndOfStream: false, ct);
                if (read == 0)
                    break;
                md5.AppendData(current, 0, read);
                await writing;
                writing = output.WriteAsync(current.AsMemory(0, read), ct).AsTask();
                total += read;
                (current, next) = (next ?? Buffers.Rent(BufferSize), current);
            }
            await writing;
            return total;
        }
        finally
        {
            // On failure a write may still be using a buffer; it must end before the buffers go back to the pool.
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Buffers.Return(current);
            if (next is not null)
                Buffers.Return(next);
        }
    }

    private string BlobPath(string blobId)
    {
        if (blobId.Length < 4 || !blobId.All(Uri.IsHexDigit))
            throw new ArgumentException($"Invalid blob id '{blobId}'.", nameof(blobId));
        return Path.Combine(_blobs, blobId[..2], blobId);
    }

    private static void FsyncDirectory(string directory)
    {
        var fd = open(directory, 0 /* O_RDONLY */);
        if (fd < 0)
            return;
        fsync(fd);
        close(fd);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPStr)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc")]
    private static extern int close(int fd);
}
