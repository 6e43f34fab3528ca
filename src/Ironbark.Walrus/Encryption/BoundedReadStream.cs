using Ironbark.Common.Auth;

namespace Ironbark.Walrus.Encryption;

/// <summary>At most <c>length</c> bytes of another stream, read forward (the inner stream is not disposed).</summary>
public sealed class BoundedReadStream(Stream inner, long length) : ReadOnlyStream
{
    private long _left = length;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (_left <= 0 || buffer.Length == 0)
            return 0;
        var read = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], ct);
        _left -= read;
        return read;
    }
}
