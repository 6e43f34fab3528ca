using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Domain;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Images;

/// <summary>
/// Images fetched from Walrus once per node, verified against their SHA-256, kept under an LRU
/// size limit and shared: concurrent launches of one image wait for one download, and a partial
/// or unverified download is never used (it lives in tmp/ until it is renamed into place).
/// </summary>
public sealed class ImageCache
{
    private readonly IAmazonS3 _s3;
    private readonly string _dir;
    private readonly string _tmp;
    private readonly long _limitBytes;
    private readonly ILogger<ImageCache> _log;
    private readonly ConcurrentDictionary<string, Lazy<Task<string>>> _downloads = new();
    private readonly object _evictLock = new();

    public ImageCache(IAmazonS3 s3, string dir, long limitBytes, ILogger<ImageCache> log)
    {
        _s3 = s3;
        _dir = dir;
        _tmp = Path.Combine(dir, "tmp");
        _limitBytes = limitBytes;
        _log = log;
        Directory.CreateDirectory(_tmp);
        foreach (var leftover in Directory.EnumerateFiles(_tmp))
            File.Delete(leftover);
    }

    /// <summary>The local path of a verified copy of the image, downloading it if this node has none.</summary>
    public async Task<string> GetAsync(ImageRef image, Func<IReadOnlySet<string>> inUse, CancellationToken ct)
    {
        var digest = image.Sha256.ToLowerInvariant();
        if (digest.Length != 64 || !digest.All(Uri.IsHexDigit))
            throw NcException.Invalid("InvalidParameterValue", $"Image {image.Id} has no valid SHA-256 digest.");
        var path = Path.Combine(_dir, digest);
        if (File.Exists(path))
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
            return path;
        }
        var download = _downloads.GetOrAdd(digest, _ => new Lazy<Task<string>>(() => DownloadAsync(image, path, digest)));
        try
        {
            var result = await download.Value.WaitAsync(ct);
            Evict(inUse());
            return result;
        }
        finally
        {
            if (download.Value.IsCompleted)
                _downloads.TryRemove(new KeyValuePair<string, Lazy<Task<string>>>(digest, download));
        }
    }

    private async Task<string> DownloadAsync(ImageRef image, string path, string digest)
    {
        // Not the caller's token: a shared download must not die with the first caller.
        var temp = Path.Combine(_tmp, Guid.NewGuid().ToString("N"));
        try
        {
            using var response = await GetObjectAsync(image);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20, FileOptions.Asynchronous))
            {
                var buffer = new byte[1 << 20];
                int read;
                while ((read = await response.ResponseStream.ReadAsync(buffer)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await output.WriteAsync(buffer.AsMemory(0, read));
                }
                output.Flush(flushToDisk: true);
            }
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (actual != digest)
                throw NcException.Invalid("InvalidImage.DigestMismatch",
                    $"Image {image.Id} (s3://{image.Bucket}/{image.Key}) has SHA-256 {actual}, not the registered {digest}.");
            File.Move(temp, path, overwrite: true);
            _log.LogInformation("Cached image {ImageId} ({Bytes} bytes) as {Digest}", image.Id, new FileInfo(path).Length, digest);
            return path;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task<GetObjectResponse> GetObjectAsync(ImageRef image)
    {
        try
        {
            return await _s3.GetObjectAsync(image.Bucket, image.Key);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.Forbidden)
        {
            throw NcException.Invalid("InvalidImage.NotFound", $"Image {image.Id} is not readable in Walrus at s3://{image.Bucket}/{image.Key}: {e.ErrorCode}.");
        }
    }

    /// <summary>Removes least recently used images that no instance uses until the cache fits its limit.</summary>
    private void Evict(IReadOnlySet<string> inUse)
    {
        lock (_evictLock)
        {
            var files = new DirectoryInfo(_dir).EnumerateFiles().OrderBy(f => f.LastWriteTimeUtc).ToList();
            var total = files.Sum(f => f.Length);
            foreach (var file in files)
            {
                if (total <= _limitBytes)
                    break;
                if (inUse.Contains(file.FullName))
                    continue;
                _log.LogInformation("Evicting cached image {Digest} ({Bytes} bytes)", file.Name, file.Length);
                total -= file.Length;
                file.Delete();
            }
        }
    }
}
