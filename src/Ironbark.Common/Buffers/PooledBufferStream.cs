using System.Buffers;

namespace Ironbark.Common.Buffers;

/// <summary>
/// A write-only in-memory stream kept in pooled chunks, for a response that must be whole before its
/// length is known (an XML listing). Unlike a MemoryStream it never grows one large array by doubling,
/// so concurrent listings leave no large-object-heap garbage behind.
/// </summary>
public sealed class PooledBufferStream : Stream
{
    private const int ChunkSize = 16 * 1024;
    private readonly List<byte[]> _chunks = [];
    private int _used = ChunkSize;
    private long _length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            if (_used == ChunkSize)
            {
                _chunks.Add(ArrayPool<byte>.Shared.Rent(ChunkSize));
                _used = 0;
            }
            var n = Math.Min(buffer.Length, ChunkSize - _used);
            buffer[..n].CopyTo(_chunks[^1].AsSpan(_used));
            _used += n;
            _length += n;
            buffer = buffer[n..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes everything held to <paramref name="destination"/>.</summary>
    public async Task WriteToAsync(Stream destination, CancellationToken ct)
    {
        for (var i = 0; i < _chunks.Count; i++)
            await destination.WriteAsync(_chunks[i].AsMemory(0, i == _chunks.Count - 1 ? _used : ChunkSize), ct);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        foreach (var chunk in _chunks)
            ArrayPool<byte>.Shared.Return(chunk);
        _chunks.Clear();
        base.Dispose(disposing);
    }
}
