using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// Writes one new blob file, hashing the bytes on the way. Bytes are written in whole buffers, and
/// writing one overlaps receiving and hashing the next. Once an object fills a buffer the file
/// bypasses the page cache (O_DIRECT, where the filesystem allows it): a large blob is fsynced
/// anyway, so copying it into the page cache and writing the dirty pages back only cost CPU.
/// Objects smaller than one buffer stay buffered (one write, then the fsync, as before): the 4 KiB
/// PUT path is unchanged.
/// </summary>
internal sealed class BlobWriter : IAsyncDisposable
{
    private readonly SafeFileHandle _file;
    private readonly IDisk _disk;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private BlobBuffer _current = BlobBuffer.Rent();
    // Taken only when a second buffer is needed: small objects use one.
    private BlobBuffer? _next;
    private int _filled;
    private long _written;
    private Task _writing = Task.CompletedTask;
    private bool _direct;

    /// <summary>Whether the bytes are hashed (MD5) on the way; off for a body that hashes itself (<see cref="ISelfHashingBody"/>).</summary>
    public bool Hashing { get; set; } = true;

    private BlobWriter(SafeFileHandle file, IDisk disk)
    {
        _file = file;
        _disk = disk;
    }

    public static BlobWriter CreateNew(string path, IDisk disk) =>
        new(File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None), disk);

    /// <summary>Appends up to <paramref name="length"/> bytes of <paramref name="input"/> (less at its end); returns how many.</summary>
    public async Task<long> CopyFromAsync(Stream input, long length, CancellationToken ct)
    {
        long total = 0;
        while (total < length)
        {
            var want = (int)Math.Min(BlobBuffer.Size - _filled, length - total);
            var read = await input.ReadAtLeastAsync(_current.Memory.Slice(_filled, want), want, throwOnEndOfStream: false, ct);
            if (Hashing)
                _md5.AppendData(_current.Span.Slice(_filled, read));
            _filled += read;
            total += read;
            if (_filled == BlobBuffer.Size)
                await WriteCurrentAsync(ct);
            if (read < want)
                break;
        }
        return total;
    }

    /// <summary>Writes what is left and fsyncs the file; returns its size and MD5.</summary>
    public async Task<(long Size, byte[] Md5)> CompleteAsync(CancellationToken ct)
    {
        await _writing;
        if (_filled > 0)
        {
            var size = _written + _filled;
            if (_direct && _filled % BlobBuffer.Alignment != 0)
            {
                // O_DIRECT writes whole blocks: write the tail padded, then cut the file to its size.
                var padded = (_filled + BlobBuffer.Alignment - 1) / BlobBuffer.Alignment * BlobBuffer.Alignment;
                _current.Span[_filled..padded].Clear();
                await WriteAsync(_current.Memory[..padded], _written, ct);
                RandomAccess.SetLength(_file, size);
            }
            else
            {
                await WriteAsync(_current.Memory[.._filled], _written, ct);
            }
            _written = size;
            _filled = 0;
        }
        _disk.Fsync(_file);
        return (_written, Hashing ? _md5.GetHashAndReset() : []);
    }

    public async ValueTask DisposeAsync()
    {
        // On failure a write may still be using a buffer; it must end before the buffers go back to the pool.
        await _writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _file.Dispose();
        _md5.Dispose();
        BlobBuffer.Return(_current);
        if (_next is not null)
            BlobBuffer.Return(_next);
    }

    /// <summary>
    /// One write; should a filesystem take O_DIRECT on the file but refuse the aligned write itself, the
    /// file goes back to buffered writes and the same bytes are written again, so the upload still succeeds.
    /// </summary>
    private async Task WriteAsync(ReadOnlyMemory<byte> data, long offset, CancellationToken ct)
    {
        try
        {
            await _disk.WriteAsync(_file, data, offset, ct);
        }
        catch (IOException) when (_direct)
        {
            Posix.UsePageCache(_file);
            _direct = false;
            await _disk.WriteAsync(_file, data, offset, ct);
        }
    }

    private async Task WriteCurrentAsync(CancellationToken ct)
    {
        await _writing;
        if (_written == 0)
            _direct = Posix.TryBypassPageCache(_file);
        _writing = WriteAsync(_current.Memory, _written, ct);
        _written += BlobBuffer.Size;
        _filled = 0;
        (_current, _next) = (_next ?? BlobBuffer.Rent(), _current);
    }
}
