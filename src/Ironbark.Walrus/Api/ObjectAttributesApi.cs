using System.Globalization;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>
/// GetObjectAttributes (GET ?attributes): the attributes x-amz-object-attributes names — ETag (unquoted), Checksum,
/// ObjectParts (paged by x-amz-max-parts and x-amz-part-number-marker), StorageClass, ObjectSize — without the body.
/// </summary>
public static class ObjectAttributesApi
{
    private static readonly string[] Known = ["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"];

    public static async Task GetAsync(S3Request r, ObjectService objects)
    {
        var asked = Attributes(r.Header("x-amz-object-attributes"));
        // S3 ignores an x-amz-max-parts it cannot read (and caps it at 1000); a bad marker is refused.
        var maxParts = int.TryParse(r.Header("x-amz-max-parts"), NumberStyles.None, CultureInfo.InvariantCulture, out var max) && max > 0
            ? Math.Min(max, 1000) : 1000;
        var marker = Marker(r);
        var versionId = r.Query("versionId");
        var (bucket, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, versionId,
            versionId is null ? S3Action.GetObjectAttributes : S3Action.GetObjectVersionAttributes, r.Aborted);
        r.Response.Headers.LastModified = S3Xml.HttpDate(row.LastModified);
        if (bucket.Versioning != "" || row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
        var checksum = StoredChecksum.Parse(row.Checksum);
        var parts = ObjectPart.ParseList(row.Parts);
        await S3Xml.WriteAsync(r.Response, "GetObjectAttributesResponse", w =>
        {
            if (asked.Contains("ETag"))
                w.Element("ETag", row.Etag.Trim('"'));
            if (asked.Contains("Checksum") && checksum is not null)
            {
                w.WriteStartElement("Checksum", S3Xml.Namespace);
                w.Element(checksum.ElementName, checksum.Value);
                w.Element("ChecksumType", checksum.Type);
                w.WriteEndElement();
            }
            if (asked.Contains("ObjectParts") && parts.Count > 0)
            {
                var page = parts.Where(p => p.Number > marker).Take(maxParts).ToList();
                var truncated = parts.Count(p => p.Number > marker) > page.Count;
                w.WriteStartElement("ObjectParts", S3Xml.Namespace);
                w.Element("PartsCount", parts.Count.ToString(CultureInfo.InvariantCulture));
                w.Element("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
                if (page.Count > 0)
                    w.Element("NextPartNumberMarker", page[^1].Number.ToString(CultureInfo.InvariantCulture));
                w.Element("MaxParts", maxParts.ToString(CultureInfo.InvariantCulture));
                w.Element("IsTruncated", truncated ? "true" : "false");
                foreach (var part in page)
                {
                    w.WriteStartElement("Part", S3Xml.Namespace);
                    w.Element("PartNumber", part.Number.ToString(CultureInfo.InvariantCulture));
                    w.Element("Size", part.Size.ToString(CultureInfo.InvariantCulture));
                    if (checksum is not null && part.Checksum is not null)
                        w.Element(checksum.ElementName, part.Checksum);
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            if (asked.Contains("StorageClass"))
                w.Element("StorageClass", "STANDARD");
            if (asked.Contains("ObjectSize"))
                w.Element("ObjectSize", row.Size.ToString(CultureInfo.InvariantCulture));
        });
    }

    /// <summary>The attributes asked for: none is InvalidRequest, one S3 does not know InvalidArgument, as S3 answers them.</summary>
    private static HashSet<string> Attributes(string? header)
    {
        var names = (header ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0)
            throw S3Errors.InvalidRequest("The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        foreach (var name in names)
            if (!Known.Contains(name, StringComparer.Ordinal))
                throw S3Errors.InvalidArgument("Invalid attribute name specified.", "x-amz-object-attributes", name);
        return [.. names];
    }

    private static int Marker(S3Request r)
    {
        const string name = "x-amz-part-number-marker";
        if (r.Header(name) is not { } text)
            return 0;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, text);
    }
}
