namespace Ironbark.Bench;

/// <summary>
/// The baseline: the same bytes written to plain files in the directory the servers keep their
/// data in, fsynced like Walrus's blobs (file only; no rename, directory fsync or metadata), and
/// read back through the page cache exactly as the servers' files are.
/// </summary>
public sealed class DiskTarget(string root) : ILoadTarget
{
    private const int BufferSize = 1024 * 1024;

    public string Name => "raw disk";
    public int? Pid => null;
    public bool CanList => false;

    public Task CreateBucketAsync(string bucket, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.Combine(root, bucket));
        return Task.CompletedTask;
    }

    public async Task PutAsync(string bucket, string key, long size, CancellationToken ct)
    {
        var buffer = new byte[(int)Math.Min(size, BufferSize)];
        await using var file = new FileStream(PathOf(bucket, key), FileMode.Create, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous);
        for (long written = 0; written < size;)
        {
            var n = (int)Math.Min(buffer.Length, size - written);
            GeneratedBytes.Fill(buffer.AsSpan(0, n), written);
            await file.WriteAsync(buffer.AsMemory(0, n), ct);
            written += n;
        }
        file.Flush(flushToDisk: true);
    }

    public async Task<long> GetAsync(string bucket, string key, byte[] buffer, CancellationToken ct)
    {
        await using var file = new FileStream(PathOf(bucket, key), FileMode.Open, FileAccess.Read, FileShare.Read, 0,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        long total = 0;
        int read;
        while ((read = await file.ReadAsync(buffer, ct)) > 0)
            total += read;
        return total;
    }

    public Task<int> ListAsync(string bucket, CancellationToken ct) => throw new NotSupportedException();

    public Task DeleteAsync(string bucket, string key, CancellationToken ct)
    {
        File.Delete(PathOf(bucket, key));
        return Task.CompletedTask;
    }

    private string PathOf(string bucket, string key) => Path.Combine(root, bucket, key);
}
