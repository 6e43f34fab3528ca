using System.Security.Cryptography;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// The plaintext of an encrypted object, seekable: it reads and opens only the stored chunks a read touches, segment by
/// segment (a multipart object has one data key per part). The stored stream must be seekable, or read in order.
/// </summary>
public sealed class DecryptingStream : Stream
{
    private sealed record Segment(long PlainStart, long Size, long StoredStart, AesGcm Aes, byte[] Prefix);

    private readonly Stream _stored;
    private readonly List<Segment> _segments = [];
    private readonly byte[] _storedChunk = new byte[ChunkedAesGcm.StoredChunkSize];
    private readonly byte[] _plainChunk = new byte[ChunkedAesGcm.ChunkSize];
    private readonly long _length;
    // Stored chunks a large aligned read takes from the blob at once (what a GET's 256 KiB copy asks for).
    private const int BatchChunks = 4;
    private byte[]? _storedBatch;
    // The chunk held in _plainChunk: its plaintext start and length (-1: none).
    private long _heldStart = -1;
    private int _heldLength;
    private long _position;
    private long _storedPosition;

    /// <param name="keys">The plaintext data key of each segment, in order.</param>
    public DecryptingStream(Stream stored, IReadOnlyList<DataKeySegment> segments, IReadOnlyList<byte[]> keys)
    {
        _stored = stored;
        _storedPosition = stored.CanSeek ? stored.Position : 0;
        long plain = 0, at = 0;
        for (var i = 0; i < segments.Count; i++)
        {
            _segments.Add(new Segment(plain, segments[i].Size, at, new AesGcm(keys[i], ChunkedAesGcm.TagSize), Convert.FromBase64String(segments[i].NoncePrefix)));
            plain += segments[i].Size;
            at += segments[i].StoredSize;
        }
        _length = plain;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var total = 0;
        while (buffer.Length > 0 && _position < _length)
        {
            if (_heldStart >= 0 && _position >= _heldStart && _position < _heldStart + _heldLength)
            {
                var from = (int)(_position - _heldStart);
                var n = Math.Min(buffer.Length, _heldLength - from);
                _plainChunk.AsMemory(from, n).CopyTo(buffer);
                buffer = buffer[n..];
                _position += n;
                total += n;
                continue;
            }
            if (total == 0 && await ReadWholeChunksAsync(buffer, ct) is var direct and > 0)
                return direct;
            await LoadChunkAsync(ct);
        }
        return total;
    }

    /// <summary>
    /// A read that starts at a chunk boundary with room for whole chunks: up to <see cref="BatchChunks"/> stored chunks in
    /// one read of the blob, each opened straight into the caller's buffer (no copy through our own).
    /// </summary>
    private async Task<int> ReadWholeChunksAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var segment = _segments.First(s => _position < s.PlainStart + s.Size);
        var inSegment = _position - segment.PlainStart;
        if (inSegment % ChunkedAesGcm.ChunkSize != 0)
            return 0;
        var first = inSegment / ChunkedAesGcm.ChunkSize;
        var plainLeft = segment.Size - inSegment;
        var chunks = (int)Math.Min(BatchChunks, Math.Min(buffer.Length / ChunkedAesGcm.ChunkSize, (plainLeft + ChunkedAesGcm.ChunkSize - 1) / ChunkedAesGcm.ChunkSize));
        if (chunks == 0)
            return 0;
        var plainLength = (int)Math.Min((long)chunks * ChunkedAesGcm.ChunkSize, plainLeft);
        var storedLength = plainLength + chunks * ChunkedAesGcm.TagSize;
        var storedAt = segment.StoredStart + first * ChunkedAesGcm.StoredChunkSize;
        if (storedAt != _storedPosition)
        {
            _stored.Seek(storedAt, SeekOrigin.Begin);
            _storedPosition = storedAt;
        }
        _storedBatch ??= new byte[BatchChunks * ChunkedAesGcm.StoredChunkSize];
        var read = await _stored.ReadAtLeastAsync(_storedBatch.AsMemory(0, storedLength), storedLength, throwOnEndOfStream: false, ct);
        _storedPosition += read;
        if (read != storedLength)
            throw new IOException("The stored object is shorter than its metadata says.");
        var output = buffer.Span;
        for (int i = 0, from = 0, to = 0; i < chunks; i++)
        {
            var length = Math.Min(ChunkedAesGcm.ChunkSize, plainLength - to);
            ChunkedAesGcm.Open(segment.Aes, segment.Prefix, first + i, _storedBatch.AsSpan(from, length + ChunkedAesGcm.TagSize), output.Slice(to, length));
            from += length + ChunkedAesGcm.TagSize;
            to += length;
        }
        _position += plainLength;
        return plainLength;
    }

    private async Task LoadChunkAsync(CancellationToken ct)
    {
        var segment = _segments.First(s => _position < s.PlainStart + s.Size);
        var chunk = (_position - segment.PlainStart) / ChunkedAesGcm.ChunkSize;
        var plainLength = (int)Math.Min(ChunkedAesGcm.ChunkSize, segment.Size - chunk * ChunkedAesGcm.ChunkSize);
        var storedAt = segment.StoredStart + chunk * ChunkedAesGcm.StoredChunkSize;
        if (storedAt != _storedPosition)
        {
            _stored.Seek(storedAt, SeekOrigin.Begin);
            _storedPosition = storedAt;
        }
        var storedLength = plainLength + ChunkedAesGcm.TagSize;
        var read = await _stored.ReadAtLeastAsync(_storedChunk.AsMemory(0, storedLength), storedLength, throwOnEndOfStream: false, ct);
        _storedPosition += read;
        if (read != storedLength)
            throw new IOException("The stored object is shorter than its metadata says.");
        ChunkedAesGcm.Open(segment.Aes, segment.Prefix, chunk, _storedChunk.AsSpan(0, storedLength), _plainChunk);
        _heldStart = segment.PlainStart + chunk * ChunkedAesGcm.ChunkSize;
        _heldLength = plainLength;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            _ => _length + offset,
        };
        if (target < 0)
            throw new IOException("Seek before the start of the object.");
        return _position = target;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var s in _segments)
                s.Aes.Dispose();
            _stored.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var s in _segments)
            s.Aes.Dispose();
        await _stored.DisposeAsync();
        await base.DisposeAsync();
    }

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => Seek(value, SeekOrigin.Begin); }
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
