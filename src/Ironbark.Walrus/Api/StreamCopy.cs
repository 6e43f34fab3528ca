using System.IO.Pipelines;

namespace Ironbark.Walrus.Api;

/// <summary>Copies a bounded number of bytes from a blob straight into a response's pipe.</summary>
public static class StreamCopy
{
    /// <summary>
    /// Large enough that a big object takes few reads and flushes, and bounded so that memory stays
    /// flat: Kestrel holds at most this much (plus its own send threshold) per response.
    /// </summary>
    private const int ChunkSize = 256 * 1024;

    public static async Task CopyAsync(Stream source, PipeWriter destination, long length, CancellationToken ct)
    {
        // Reading into the pipe's own memory saves the copy from a separate buffer into the response.
        while (length > 0)
        {
            var memory = destination.GetMemory((int)Math.Min(length, ChunkSize));
            var read = await source.ReadAsync(memory[..(int)Math.Min(memory.Length, length)], ct);
            if (read == 0)
                throw new IOException("The stored object is shorter than its metadata says.");
            destination.Advance(read);
            length -= read;
            var flushed = await destination.FlushAsync(ct);
            if (flushed.IsCanceled || flushed.IsCompleted)
                return;
        }
    }
}
