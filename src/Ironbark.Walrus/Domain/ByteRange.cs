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

    /// <summary>
    /// An x-amz-copy-source-range: strictly bytes=first-last (InvalidArgument otherwise), and wholly inside
    /// the source (InvalidRange otherwise); unlike a GET range it is never clamped.
    /// </summary>
    public static ByteRange ParseCopySourceRange(string header, long size)
    {
        var spec = header.StartsWith("bytes=", StringComparison.Ordinal) ? header[6..] : "";
        var dash = spec.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(spec[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            || !long.TryParse(spec[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            || last < first)
            throw S3Errors.InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
                "x-amz-copy-source-range", header);
        if (last >= size)
            throw S3Errors.InvalidRange(size);
        return new ByteRange(first, last - first + 1);
    }
}
