using System.Text;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Breaks a well-formed aws-chunked body the ways a hostile or broken client would: chunk sizes that overflow, are
/// negative or huge, missing or doubled line ends, bad chunk-signature extensions, malformed, duplicated, oversized
/// or surplus trailers, truncation, flipped and inserted bytes, and a line that never ends.
/// </summary>
public static class ChunkedBodyFuzzer
{
    /// <summary>Longer than any line the decoder may buffer: a refusal must come before it has read much of it.</summary>
    public const int GiantLineBytes = 1024 * 1024;

    private static readonly string[] Sizes =
    [
        "-1", "-0", "ffffffffffffffff", "7fffffffffffffff", "8000000000000000", "1" + new string('f', 30), "", " ", "zz", "+1",
        "0x10", " 1", "1 ", "00000000000000000000000000000001", "FFFFFFFF", "100000000", "1;", ";", "\t2",
    ];

    /// <summary>Applies one to three mutations; says which, and whether one was the never-ending line.</summary>
    public static (byte[] Body, string What, bool GiantLine) Mutate(ChunkedBody body, Random random)
    {
        var parts = body.Parts.ToList();
        var what = new List<string>();
        var giant = false;
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            var kind = random.Next(9);
            what.Add(kind.ToString());
            switch (kind)
            {
                case 0:
                    Replace(parts, random, ChunkedBody.Part.Size, _ => random.Next(3) == 0
                        ? Convert.ToHexString(BitConverter.GetBytes(random.NextInt64())).TrimStart('0')
                        : Sizes[random.Next(Sizes.Length)]);
                    break;
                case 1:
                    Replace(parts, random, ChunkedBody.Part.LineEnd, _ => new[] { "", "\n", "\r", "\r\r\n", "\n\r", "\r\n\r\n" }[random.Next(6)]);
                    break;
                case 2:
                    Replace(parts, random, ChunkedBody.Part.Extension, old => random.Next(6) switch
                    {
                        0 => "",
                        1 => ";chunk-signature=",
                        2 => ";chunk-signature=" + new string('0', 64),
                        3 => old + old,
                        4 => ";" + new string('x', 5000),
                        _ => old.Length > 10 ? ";chunk-signature=" + old[^10..] : old,
                    });
                    break;
                case 3:
                    MutateTrailers(parts, random);
                    break;
                case 4:
                    var cut = random.Next(Math.Max(1, parts.Count));
                    parts.RemoveRange(cut, parts.Count - cut);
                    break;
                case 5:
                    if (Flatten(parts) is { Length: > 0 } flipped)
                    {
                        flipped[random.Next(flipped.Length)] ^= (byte)random.Next(1, 256);
                        parts = [(ChunkedBody.Part.Data, flipped)];
                    }
                    break;
                case 6:
                    var bytes = Flatten(parts).ToList();
                    var garbage = new byte[random.Next(1, 24)];
                    random.NextBytes(garbage);
                    bytes.InsertRange(random.Next(bytes.Count + 1), garbage);
                    parts = [(ChunkedBody.Part.Data, bytes.ToArray())];
                    break;
                case 7:
                    // A line that never ends, after some well-formed start.
                    var keep = random.Next(parts.Count);
                    parts.RemoveRange(keep, parts.Count - keep);
                    parts.Add((ChunkedBody.Part.Data, Enumerable.Repeat((byte)'a', GiantLineBytes).ToArray()));
                    giant = true;
                    break;
                default:
                    // Chunk data that is longer or shorter than its size line says.
                    Replace(parts, random, ChunkedBody.Part.Data, old => old + (random.Next(2) == 0 ? "x" : ""), drop: random.Next(2) == 0);
                    break;
            }
            if (giant)
                break;
        }
        return (Flatten(parts), string.Join(',', what), giant);
    }

    private static void MutateTrailers(List<(ChunkedBody.Part Kind, byte[] Bytes)> parts, Random random)
    {
        var end = parts.FindLastIndex(p => p.Kind == ChunkedBody.Part.End);
        if (end < 0)
            return;
        var trailer = parts.FindIndex(p => p.Kind == ChunkedBody.Part.Trailer);
        string Line() => random.Next(7) switch
        {
            0 => "no colon here\r\n",
            1 => ":x\r\n",
            2 => "x-amz-checksum-crc32:" + new string('A', 10000) + "\r\n",
            3 => "x-amz-checksum-crc32:AAAAAA==\r\n",
            4 => "x-amz-trailer-signature:" + new string('0', 64) + "\r\n",
            5 => "x-amz-meta-late:value\r\n",
            _ => trailer >= 0 ? Encoding.ASCII.GetString(parts[trailer].Bytes) : "x-amz-checksum-sha1:AAAA\r\n",
        };
        var count = random.Next(4) == 0 ? random.Next(10, 200) : 1;
        for (var i = 0; i < count; i++)
            parts.Insert(end, (ChunkedBody.Part.Trailer, Encoding.ASCII.GetBytes(Line())));
        if (random.Next(3) == 0 && trailer >= 0)
            parts.RemoveAt(trailer);
    }

    private static void Replace(List<(ChunkedBody.Part Kind, byte[] Bytes)> parts, Random random, ChunkedBody.Part kind, Func<string, string> with,
        bool drop = false)
    {
        var indexes = Enumerable.Range(0, parts.Count).Where(i => parts[i].Kind == kind).ToList();
        if (indexes.Count == 0)
            return;
        var index = indexes[random.Next(indexes.Count)];
        var old = Encoding.Latin1.GetString(parts[index].Bytes);
        var replaced = drop && old.Length > 0 ? old[..^1] : with(old);
        parts[index] = (kind, Encoding.Latin1.GetBytes(replaced));
    }

    private static byte[] Flatten(List<(ChunkedBody.Part Kind, byte[] Bytes)> parts) => parts.SelectMany(p => p.Bytes).ToArray();
}
