using System.Text;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// An aws-chunked body as the parts it is written from (size, extension, line ends, data, trailers), so a test can
/// write it whole or break one part of it on purpose.
/// </summary>
public sealed class ChunkedBody
{
    public enum Part { Size, Extension, LineEnd, Data, Trailer, TrailerSignature, End }

    public List<(Part Kind, byte[] Bytes)> Parts { get; } = [];

    /// <param name="signChunk">The chunk-signature of a chunk's data (signed uploads); no extension when null.</param>
    /// <param name="signTrailer">The x-amz-trailer-signature of the canonical trailer text (signed trailers).</param>
    public static ChunkedBody Of(byte[] data, int chunkSize, Func<byte[], string>? signChunk, IReadOnlyList<(string Name, string Value)> trailers,
        Func<string, string>? signTrailer)
    {
        var body = new ChunkedBody();
        void Add(Part kind, string text) => body.Parts.Add((kind, Encoding.ASCII.GetBytes(text)));
        for (var offset = 0; ; offset += chunkSize)
        {
            var chunk = data[Math.Min(offset, data.Length)..Math.Min(data.Length, offset + chunkSize)];
            Add(Part.Size, $"{chunk.Length:x}");
            if (signChunk is not null)
                Add(Part.Extension, $";chunk-signature={signChunk(chunk)}");
            Add(Part.LineEnd, "\r\n");
            if (chunk.Length == 0)
                break;
            body.Parts.Add((Part.Data, chunk));
            Add(Part.LineEnd, "\r\n");
        }
        var canonical = new StringBuilder();
        foreach (var (name, value) in trailers)
        {
            Add(Part.Trailer, $"{name}:{value}\r\n");
            canonical.Append(name.ToLowerInvariant()).Append(':').Append(value).Append('\n');
        }
        if (signTrailer is not null)
            Add(Part.TrailerSignature, $"x-amz-trailer-signature:{signTrailer(canonical.ToString())}\r\n");
        Add(Part.End, "\r\n");
        return body;
    }

    public byte[] ToArray() => Parts.SelectMany(p => p.Bytes).ToArray();
}
