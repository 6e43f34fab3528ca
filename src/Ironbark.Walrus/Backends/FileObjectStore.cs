using System.Security.Cryptography;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// Blobs as files: written to <c>tmp/</c>, fsynced, then renamed into <c>blobs/xx/</c> (and the
/// directory fsynced), so a blob either exists whole under its name or not at all; only then may
/// metadata name it. Whatever a crash leaves (tmp files, unreferenced blobs) is removed at start.
/// Memory stays flat: bodies are streamed through a bounded pool of buffers (<see cref="BlobWriter"/>).
/// One process at a time owns the directory (<c>lock</c>).
/// </summary>
public sealed class FileObjectStore : IObjectStore, IDisposable
{
    private readonly string _blobs;
    private readonly string _tmp;
    private readonly FileStream _lock;
    private readonly IDisk _disk;

    public FileObjectStore(string root) : this(root, LocalDisk.Instance)
    {
    }

    /// <param name="disk">Where the file operations go: the local filesystem, or in tests a disk that fails on purpose.</param>
    internal FileObjectStore(string root, IDisk disk)
    {
        _disk = disk;
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
        await WriteNewAsync(async output =>
        {
            // Reading one byte past the limit is how an oversized body shows itself.
            var limit = maxBytes == long.MaxValue ? maxBytes : maxBytes + 1;
            output.Hashing = body is not ISelfHashingBody;
            if (await output.CopyFromAsync(body, limit, ct) > maxBytes)
                throw new BodyTooLargeException(maxBytes);
        }, ct);

    public async Task<StoredBlob> ConcatAsync(IReadOnlyList<string> blobIds, CancellationToken ct) =>
        await WriteNewAsync(async output =>
        {
            foreach (var id in blobIds)
            {
                await using var input = OpenRead(id);
                await output.CopyFromAsync(input, long.MaxValue, ct);
            }
        }, ct);

    public async Task<StoredBlob> CopyAsync(string blobId, long offset, long length, CancellationToken ct) =>
        await WriteNewAsync(async output =>
        {
            await using var input = OpenRead(blobId);
            input.Seek(offset, SeekOrigin.Begin);
            // A source that reads short (a damaged disk) must fail the copy, not make a shorter object under the source's size.
            if (await output.CopyFromAsync(input, length, ct) != length)
                throw new IOException($"Blob {blobId} ended before byte {offset + length}.");
        }, ct);

    public Stream OpenRead(string blobId) => _disk.OpenRead(BlobPath(blobId));

    public void Delete(string blobId)
    {
        try
        {
            _disk.Delete(BlobPath(blobId));
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

    private async Task<StoredBlob> WriteNewAsync(Func<BlobWriter, Task> fill, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // Temp files are sharded like blobs: creating a file holds its directory's lock, and in one
        // tmp/ directory concurrent uploads queued (and spun) on that lock while the kernel allocated inodes.
        var temp = Path.Combine(_tmp, id[..2], id);
        var path = BlobPath(id);
        var renamed = false;
        try
        {
            long size;
            byte[] md5;
            await using (var output = BlobWriter.CreateNew(temp, _disk))
            {
                await fill(output);
                (size, md5) = await output.CompleteAsync(ct);
            }
            _disk.Move(temp, path);
            renamed = true;
            _disk.FsyncDirectory(Path.GetDirectoryName(path)!);
            return new StoredBlob(id, size, md5);
        }
        catch
        {
            // Renamed but not durably (the directory fsync failed): the blob must not outlive the failed write either.
            File.Delete(renamed ? path : temp);
            throw;
        }
    }

    private string BlobPath(string blobId)
    {
        if (blobId.Length < 4 || !blobId.All(Uri.IsHexDigit))
            throw new ArgumentException($"Invalid blob id '{blobId}'.", nameof(blobId));
        return Path.Combine(_blobs, blobId[..2], blobId);
    }
}
