using System.Globalization;

namespace Ironbark.Walrus.Domain;

/// <summary>A single byte range of an object, from a Range header (bytes=a-b, a-, -n).</summary>
public readonly record struct ByteRange(long Start, long Length)
{
    public long End => Start + Length - 1;

    /// <summary>
    /// Null when the header is absent or not a single well-formed byte range (the whole object is
    /// then sent, as S3 does); InvalidRange when it is well-formed but cannot be satisfied.
    /// </summary>
    public static ByteRange? Parse(string? header, long size)
    {
        if (string.IsNullOrWhiteSpace(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
            return null;
        var spec = header[6..].Trim();
        if (spec.Contains(','))
            return null;
        var dash = spec.IndexOf('-');
        if (dash < 0)
            return null;
        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
                return null;
            if (suffix == 0 || size == 0)
                throw S3Errors.InvalidRange(size);
            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }
        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start))
            return null;
        long end = size - 1;
        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out end) || end < start)
                return null;
            end = Math.Min(end, size - 1);
        }
        if (start >= size)
            throw S3Errors.InvalidRange(size);
        return new ByteRange(start, end - start + 1);
    }
}
