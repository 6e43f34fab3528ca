using Ironbark.Walrus.Backends;
using Microsoft.Win32.SafeHandles;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// A disk that fails on purpose, after MinIO's "naughty disk": it passes every call to the real disk until told to
/// fail an operation (from its Nth call on, as a disk that has gone bad or is full), to end reads early (a blob
/// shorter than its metadata) or to return every read in small pieces (legal, but what careless read loops miss).
/// <see cref="Heal"/> makes it a good disk again. Calls are counted across the whole Walrus, so tests arm it around
/// one request at a time.
/// </summary>
internal sealed class NaughtyDisk(IDisk disk) : IDisk
{
    private readonly Lock _lock = new();
    private DiskFault? _fault;
    private int _callsBeforeFault;
    private int _faultsLeft;
    private long? _readsEndAt;
    private int? _readPiece;

    /// <summary>
    /// The <paramref name="nth"/> call of <paramref name="fault"/>'s operation from now fails, and so do the calls after
    /// it: every one, or <paramref name="times"/> in all.
    /// </summary>
    public void Fail(DiskFault fault, int nth = 1, int times = int.MaxValue)
    {
        lock (_lock)
            (_fault, _callsBeforeFault, _faultsLeft) = (fault, nth - 1, times);
    }

    /// <summary>Blobs opened from now read as if they ended at byte <paramref name="offset"/> (while their length says otherwise).</summary>
    public void EndReadsAt(long offset)
    {
        lock (_lock)
            _readsEndAt = offset;
    }

    /// <summary>Blobs opened from now return at most <paramref name="bytes"/> per read.</summary>
    public void ReadInPiecesOf(int bytes)
    {
        lock (_lock)
            _readPiece = bytes;
    }

    public void Heal()
    {
        lock (_lock)
            (_fault, _readsEndAt, _readPiece) = (null, null, null);
    }

    public async ValueTask WriteAsync(SafeFileHandle file, ReadOnlyMemory<byte> data, long offset, CancellationToken ct)
    {
        Check(DiskFault.Write);
        await disk.WriteAsync(file, data, offset, ct);
    }

    public void Fsync(SafeFileHandle file)
    {
        Check(DiskFault.Fsync);
        disk.Fsync(file);
    }

    public void Move(string from, string to)
    {
        Check(DiskFault.Rename);
        disk.Move(from, to);
    }

    public void FsyncDirectory(string directory)
    {
        Check(DiskFault.DirectoryFsync);
        disk.FsyncDirectory(directory);
    }

    public void Delete(string path)
    {
        Check(DiskFault.Delete);
        disk.Delete(path);
    }

    public Stream OpenRead(string path)
    {
        lock (_lock)
            return _readsEndAt is null && _readPiece is null ? disk.OpenRead(path) : new ShortReadStream(disk.OpenRead(path), _readsEndAt, _readPiece);
    }

    private void Check(DiskFault operation)
    {
        lock (_lock)
        {
            if (_fault != operation)
                return;
            if (_callsBeforeFault > 0)
            {
                _callsBeforeFault--;
                return;
            }
            if (--_faultsLeft == 0)
                _fault = null;
        }
        // EIO, what a failing disk answers (ENOSPC would do as well: Walrus must treat both alike).
        throw new IOException($"Input/output error (a naughty disk fails {operation})", 5);
    }

    /// <summary>A blob's stream whose reads stop at <paramref name="end"/> and return at most <paramref name="piece"/> bytes each.</summary>
    private sealed class ShortReadStream(Stream inner, long? end, int? piece) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            await inner.ReadAsync(buffer[..Allowed(buffer.Length)], ct);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
            ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Allowed(count));

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }

        private int Allowed(int count)
        {
            var allowed = (long)count;
            if (end is { } e)
                allowed = Math.Min(allowed, Math.Max(0, e - inner.Position));
            if (piece is { } p)
                allowed = Math.Min(allowed, p);
            return (int)allowed;
        }
    }
}
