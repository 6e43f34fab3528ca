using System.Globalization;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>
/// GET and HEAD with ?partNumber=N: the bytes of that part of a multipart object (its boundaries kept in objects.parts),
/// with x-amz-mp-parts-count. A simple object, and a multipart one completed before Walrus kept parts, has one part:
/// itself, answered as S3 does as a range of all its bytes (206). A part past the last is InvalidPartNumber; a Range
/// with it InvalidRequest, as on S3.
/// </summary>
public static class PartNumberRead
{
    public static (ByteRange? Range, StoredChecksum? Checksum) Resolve(S3Request r, string partNumber, ObjectRow row)
    {
        if (!int.TryParse(partNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 1 or > MultipartService.MaxParts)
            throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", partNumber);
        if (r.Header("Range") is not null)
            throw S3Errors.InvalidRequest("Cannot specify both Range header and partNumber query parameter");
        var parts = ObjectPart.ParseList(row.Parts);
        if (parts.Count == 0)
            return n == 1 ? (row.Size > 0 ? new ByteRange(0, row.Size) : null, null) : throw InvalidPartNumber();
        if (n > parts.Count)
            throw InvalidPartNumber();
        r.Response.Headers["x-amz-mp-parts-count"] = parts.Count.ToString(CultureInfo.InvariantCulture);
        var part = parts[n - 1];
        var offset = parts.Take(n - 1).Sum(p => p.Size);
        var checksum = StoredChecksum.Parse(row.Checksum) is { } whole && part.Checksum is { } value
            ? new StoredChecksum(whole.Algorithm, value, whole.Type)
            : null;
        return (new ByteRange(offset, part.Size), checksum);
    }

    private static WalrusException InvalidPartNumber() => new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable");
}
