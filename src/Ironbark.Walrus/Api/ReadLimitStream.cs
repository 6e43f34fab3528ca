using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// A request body read through a byte budget: past <see cref="Limit"/> bytes it throws the error it was given
/// instead of reading on, so a parser above it (a multipart reader) never takes in more than the budget.
/// </summary>
public sealed class ReadLimitStream(Stream inner, Func<WalrusException> tooLarge) : Stream
{
    /// <summary>The budget for all bytes read so far; null lifts it (a POST's file part, bounded by its policy instead).</summary>
    public long? Limit { get; set; }

    public long BytesRead { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var read = await inner.ReadAsync(buffer, ct);
        BytesRead += read;
        if (BytesRead > Limit)
            throw tooLarge();
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) =>
        ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the request body asynchronously.");

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
