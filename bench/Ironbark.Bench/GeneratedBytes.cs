namespace Ironbark.Bench;

/// <summary>
/// Object bodies of any length without holding them in memory: byte <c>n</c> of every body is
/// byte <c>n % BlockSize</c> of one shared random block, so bodies are incompressible and cost no memory.
/// </summary>
public static class GeneratedBytes
{
    private const int BlockSize = 1024 * 1024 + 7; // Not a power of two, so blocks do not line up with buffers.
    private static readonly byte[] Block = CreateBlock();

    /// <summary>The bytes from <paramref name="offset"/> on, up to <paramref name="max"/> of them, as a slice of the shared block (no copy).</summary>
    public static ReadOnlyMemory<byte> Slice(long offset, int max)
    {
        var start = (int)(offset % BlockSize);
        return Block.AsMemory(start, Math.Min(max, BlockSize - start));
    }

    /// <summary>Copies the bytes found at <paramref name="offset"/> of any body into <paramref name="buffer"/>.</summary>
    public static void Fill(Span<byte> buffer, long offset)
    {
        while (buffer.Length > 0)
        {
            var slice = Slice(offset, buffer.Length).Span;
            slice.CopyTo(buffer);
            buffer = buffer[slice.Length..];
            offset += slice.Length;
        }
    }

    private static byte[] CreateBlock()
    {
        var block = new byte[BlockSize];
        new Random(20261125).NextBytes(block);
        return block;
    }
}
