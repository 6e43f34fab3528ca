using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// Blobs as files: written to <c>tmp/</c>, fsynced, then renamed into <c>blobs/xx/</c> (and the
/// directory fsynced), so a blob either exists whole or not at all. Memory stays flat: bodies
/// are streamed through one pooled buffer. One process at a time owns the directory (<c>lock</c>).
/// </summary>
public sealed class FileObjectStore : IObjectStore, IDisposable
{
    private const int BufferSize = 1024 * 1024;
    private readonly string _blobs;
    private readonly string _tmp;
    private readonly FileStream _lock;

    public FileObjectStore(string root)
    {
        _blobs = Path.Combine(root, "blobs");
        _tmp = Path.Combine(root, "tmp");
        Directory.CreateDirectory(_blobs);
        Directory.CreateDirectory(_tmp);
        _lock = LockDirectory(root);
    }

    // A second process on the directory would take the first one's temp files, and its blobs renamed
    // into place but not yet committed, for crash leftovers and delete them in RecoverAsync.
    private static FileStream LockDirectory(string root)
    {
        try
        {
            // FileShare.None is an exclusive flock(2) on Linux, which the kernel drops when the process dies (kill -9 too).
            return new FileStream(Path.Combine(root, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new ObjectStoreInUseException(Path.GetFullPath(root), e);
        }
    }

    public void Dispose() => _lock.Dispose();

    public async Task<StoredBlob> WriteAsync(Stream body, long maxBytes, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            try
            {
                long total = 0;
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                        throw new BodyTooLargeException(maxBytes);
                    md5.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }, ct);

    public async Task<StoredBlob> ConcatAsync(IReadOnlyList<string> blobIds, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            foreach (var id in blobIds)
            {
                await using var input = OpenRead(id);
                await CopyRangeAsync(input, output, md5, long.MaxValue, ct);
            }
        }, ct);

    public async Task<StoredBlob> CopyAsync(string blobId, long offset, long length, CancellationToken ct) =>
        await WriteNewAsync(async (output, md5) =>
        {
            await using var input = OpenRead(blobId);
            input.Seek(offset, SeekOrigin.Begin);
            await CopyRangeAsync(input, output, md5, length, ct);
        }, ct);

    public Stream OpenRead(string blobId) =>
        new FileStream(BlobPath(blobId), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024,
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
        foreach (var file in Directory.EnumerateFiles(_tmp))
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
        var temp = Path.Combine(_tmp, id);
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
            var final = BlobPath(id);
            var directory = Path.GetDirectoryName(final)!;
            Directory.CreateDirectory(directory);
            File.Move(temp, final);
            FsyncDirectory(directory);
            return new StoredBlob(id, size, md5.GetHashAndReset());
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    private static async Task CopyRangeAsync(Stream input, Stream output, IncrementalHash md5, long length, CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (length > 0)
            {
                var read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(BufferSize, length)), ct);
                if (read == 0)
                    break;
                md5.AppendData(buffer, 0, read);
                await output.WriteAsync(buffer.AsMemory(0, read), ct);
                length -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
