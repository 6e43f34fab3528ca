using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Ironbark.Walrus.Backends;

/// <summary>
/// A pooled buffer whose memory starts on a page boundary and never moves, so it can be written
/// to a file opened with O_DIRECT (which needs aligned memory, offsets and lengths).
/// </summary>
internal sealed class BlobBuffer
{
    public const int Size = 512 * 1024;
    public const int Alignment = 4096;

    /// <summary>Buffers kept between requests (two per upload); a burst of concurrent uploads must not leave all of its buffers resident.</summary>
    private const int Kept = 24;

    private static readonly ConcurrentBag<BlobBuffer> Pool = [];
    private static int _pooled;

    private readonly byte[] _array;
    private readonly int _offset;

    private BlobBuffer()
    {
        // On the pinned object heap, so the address read here stays valid after the handle is freed.
        _array = GC.AllocateUninitializedArray<byte>(Size + Alignment, pinned: true);
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        _offset = (int)((Alignment - handle.AddrOfPinnedObject() % Alignment) % Alignment);
        handle.Free();
    }

    public Memory<byte> Memory => _array.AsMemory(_offset, Size);

    public Span<byte> Span => _array.AsSpan(_offset, Size);

    public static BlobBuffer Rent()
    {
        if (Pool.TryTake(out var buffer))
        {
            Interlocked.Decrement(ref _pooled);
            return buffer;
        }
        return new BlobBuffer();
    }

    public static void Return(BlobBuffer buffer)
    {
        if (Interlocked.Increment(ref _pooled) <= Kept)
            Pool.Add(buffer);
        else
            Interlocked.Decrement(ref _pooled);
    }
}
