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
        await WriteNewAsync(async output =>
        {
            // Reading one byte past the limit is how an oversized body shows itself.
            var limit = maxBytes == long.MaxValue ? maxBytes : maxBytes + 1;
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
            await output.CopyFromAsync(input, length, ct);
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

    private async Task<StoredBlob> WriteNewAsync(Func<BlobWriter, Task> fill, CancellationToken ct)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        // Temp files are sharded like blobs: creating a file holds its directory's lock, and in one
        // tmp/ directory concurrent uploads queued (and spun) on that lock while the kernel allocated inodes.
        var temp = Path.Combine(_tmp, id[..2], id);
        var path = BlobPath(id);
        try
        {
            long size;
            byte[] md5;
            await using (var output = BlobWriter.CreateNew(temp))
            {
                await fill(output);
                (size, md5) = await output.CompleteAsync(ct);
            }
            File.Move(temp, path);
            Posix.FsyncDirectory(Path.GetDirectoryName(path)!);
            return new StoredBlob(id, size, md5);
        }
        catch
        {
            File.Delete(temp);
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
