using System.Globalization;
using System.Text;
using System.Xml;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>ListObjects (v1), ListObjectsV2 and ListObjectVersions.</summary>
public sealed class ListApi(ObjectService objects, BucketService buckets, WalrusStore store, DisplayNames displayNames)
{
    private const int MaxKeysLimit = 1000;

    public async Task ListV1Async(S3Request r)
    {
        var (prefix, delimiter, maxKeys, url) = CommonArgs(r);
        var marker = r.Query("marker") ?? "";
        var page = await objects.ListAsync(r.Caller, r.Bucket, prefix, delimiter, marker, maxKeys, r.Aborted);
        var names = await displayNames.ResolveAsync(page.Objects.Select(o => o.OwnerCanonical), r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ListBucketResult", w =>
        {
            w.Element("Name", r.Bucket);
            w.Element("Prefix", Encode(prefix, url));
            w.Element("Marker", Encode(marker, url));
            w.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(delimiter))
                w.Element("Delimiter", Encode(delimiter, url));
            if (url)
                w.Element("EncodingType", "url");
            w.Element("IsTruncated", page.IsTruncated ? "true" : "false");
            if (page.IsTruncated && !string.IsNullOrEmpty(delimiter))
                w.Element("NextMarker", Encode(page.Next!, url));
            WriteContents(w, page, url, names, fetchOwner: true);
        });
    }

    public async Task ListV2Async(S3Request r)
    {
        var (prefix, delimiter, maxKeys, url) = CommonArgs(r);
        var token = r.Query("continuation-token");
        var startAfter = r.Query("start-after");
        var after = token is not null ? DecodeToken(token) : startAfter ?? "";
        var fetchOwner = r.Query("fetch-owner") == "true";
        var page = await objects.ListAsync(r.Caller, r.Bucket, prefix, delimiter, after, maxKeys, r.Aborted);
        var names = await displayNames.ResolveAsync(fetchOwner ? page.Objects.Select(o => o.OwnerCanonical) : [], r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ListBucketResult", w =>
        {
            w.Element("Name", r.Bucket);
            w.Element("Prefix", Encode(prefix, url));
            if (!string.IsNullOrEmpty(delimiter))
                w.Element("Delimiter", Encode(delimiter, url));
            w.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (url)
                w.Element("EncodingType", "url");
            w.Element("KeyCount", (page.Objects.Count + page.CommonPrefixes.Count).ToString(CultureInfo.InvariantCulture));
            w.Element("IsTruncated", page.IsTruncated ? "true" : "false");
            if (token is not null)
                w.Element("ContinuationToken", token);
            if (startAfter is not null)
                w.Element("StartAfter", Encode(startAfter, url));
            if (page.IsTruncated)
                w.Element("NextContinuationToken", EncodeToken(page.Next!));
            WriteContents(w, page, url, names, fetchOwner);
        });
    }

    public async Task ListVersionsAsync(S3Request r)
    {
        var (prefix, delimiter, maxKeys, url) = CommonArgs(r);
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.ListBucketVersions, r.Aborted);
        var keyMarker = r.Query("key-marker") ?? "";
        var versionMarker = r.Query("version-id-marker");
        long? beforeSeq = null;
        if (!string.IsNullOrEmpty(versionMarker) && keyMarker.Length == 0)
            throw S3Errors.InvalidArgument("A version-id marker cannot be specified without a key marker.", "version-id-marker", versionMarker);
        if (!string.IsNullOrEmpty(versionMarker))
        {
            var markerRow = await store.GetObjectAsync(r.Bucket, keyMarker, versionMarker, r.Aborted)
                            ?? throw S3Errors.InvalidArgument("Invalid version id specified", "version-id-marker", versionMarker);
            beforeSeq = markerRow.Seq;
        }
        var rows = new List<ObjectRow>();
        var prefixes = new List<string>();
        var truncated = false;
        string? nextKey = null, nextVersion = null;
        var afterKey = keyMarker;
        while (!truncated)
        {
            var batch = await store.ListVersionsAsync(r.Bucket, prefix, afterKey, beforeSeq, MaxKeysLimit, r.Aborted);
            if (batch.Count == 0)
                break;
            var stop = false;
            foreach (var row in batch)
            {
                if (!row.Key.StartsWith(prefix, StringComparison.Ordinal))
                {
                    stop = true;
                    break;
                }
                var cut = string.IsNullOrEmpty(delimiter) ? -1 : row.Key.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal);
                var commonPrefix = cut >= 0 ? row.Key[..(cut + delimiter!.Length)] : null;
                if (commonPrefix is not null && prefixes.Count > 0 && prefixes[^1] == commonPrefix)
                    continue;
                if (rows.Count + prefixes.Count == maxKeys)
                {
                    truncated = true;
                    break;
                }
                if (commonPrefix is not null)
                {
                    prefixes.Add(commonPrefix);
                    (nextKey, nextVersion) = (commonPrefix, null);
                }
                else
                {
                    rows.Add(row);
                    (nextKey, nextVersion) = (row.Key, row.VersionId);
                }
            }
            if (stop || truncated)
                break;
            var last = batch[^1];
            (afterKey, beforeSeq) = (last.Key, last.Seq);
        }
        var names = await displayNames.ResolveAsync(rows.Select(v => v.OwnerCanonical), r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ListVersionsResult", w =>
        {
            w.Element("Name", r.Bucket);
            w.Element("Prefix", Encode(prefix, url));
            w.Element("KeyMarker", Encode(keyMarker, url));
            w.Element("VersionIdMarker", versionMarker ?? "");
            if (truncated)
            {
                w.Element("NextKeyMarker", Encode(nextKey!, url));
                if (nextVersion is not null)
                    w.Element("NextVersionIdMarker", nextVersion);
            }
            w.Element("MaxKeys", maxKeys.ToString(CultureInfo.InvariantCulture));
            if (!string.IsNullOrEmpty(delimiter))
                w.Element("Delimiter", Encode(delimiter, url));
            if (url)
                w.Element("EncodingType", "url");
            w.Element("IsTruncated", truncated ? "true" : "false");
            foreach (var row in rows)
            {
                w.WriteStartElement(row.DeleteMarker ? "DeleteMarker" : "Version", S3Xml.Namespace);
                w.Element("Key", Encode(row.Key, url));
                w.Element("VersionId", row.VersionId);
                w.Element("IsLatest", row.IsLatest ? "true" : "false");
                w.Element("LastModified", S3Xml.Timestamp(row.LastModified));
                if (!row.DeleteMarker)
                {
                    w.Element("ETag", row.Etag);
                    w.Element("Size", row.Size.ToString(CultureInfo.InvariantCulture));
                    w.Element("StorageClass", "STANDARD");
                }
                names.Write(w, "Owner", row.OwnerCanonical);
                w.WriteEndElement();
            }
            WritePrefixes(w, prefixes, url);
        });
    }

    private static (string Prefix, string? Delimiter, int MaxKeys, bool Url) CommonArgs(S3Request r)
    {
        var encoding = r.Query("encoding-type");
        if (encoding is not null && encoding != "url")
            throw S3Errors.InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encoding);
        var maxKeys = MaxKeysLimit;
        if (r.Query("max-keys") is { } text && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out maxKeys)))
            throw S3Errors.InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", text);
        return (r.Query("prefix") ?? "", r.Query("delimiter"), Math.Min(maxKeys, MaxKeysLimit), encoding == "url");
    }

    private static void WriteContents(XmlWriter w, ObjectListing page, bool url, PartyNames names, bool fetchOwner)
    {
        foreach (var row in page.Objects)
        {
            w.WriteStartElement("Contents", S3Xml.Namespace);
            w.Element("Key", Encode(row.Key, url));
            w.Element("LastModified", S3Xml.Timestamp(row.LastModified));
            w.Element("ETag", row.Etag);
            w.Element("Size", row.Size.ToString(CultureInfo.InvariantCulture));
            w.Element("StorageClass", "STANDARD");
            if (fetchOwner)
                names.Write(w, "Owner", row.OwnerCanonical);
            w.WriteEndElement();
        }
        WritePrefixes(w, page.CommonPrefixes, url);
    }

    private static void WritePrefixes(XmlWriter w, IEnumerable<string> prefixes, bool url)
    {
        foreach (var p in prefixes)
        {
            w.WriteStartElement("CommonPrefixes", S3Xml.Namespace);
            w.Element("Prefix", Encode(p, url));
            w.WriteEndElement();
        }
    }

    private static string Encode(string value, bool url) => url ? SigV4.UriEncode(value, keepSlash: true) : value;

    private static string EncodeToken(string after) => Convert.ToBase64String(Encoding.UTF8.GetBytes(after));

    private static string DecodeToken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw S3Errors.InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
        }
    }
}
