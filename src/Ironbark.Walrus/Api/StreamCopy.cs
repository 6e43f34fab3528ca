using System.Buffers;

namespace Ironbark.Walrus.Api;

/// <summary>Copies a bounded number of bytes from a blob to a response through one pooled buffer.</summary>
public static class StreamCopy
{
    private const int BufferSize = 64 * 1024;

    public static async Task CopyAsync(Stream source, Stream destination, long length, CancellationToken ct)
    {
        // Sized to the body: a small object does not need (or keep resident) a large buffer.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(length, 1, BufferSize));
        try
        {
            while (length > 0)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length)), ct);
                if (read == 0)
                    throw new IOException("The stored object is shorter than its metadata says.");
                await destination.WriteAsync(buffer.AsMemory(0, read), ct);
                length -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
