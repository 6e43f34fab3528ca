using System.Globalization;
using System.Xml;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ironbark.Walrus.Api;

/// <summary>PutObject, GetObject, HeadObject, DeleteObject, DeleteObjects and CopyObject.</summary>
public sealed class ObjectApi(ObjectService objects, BucketService buckets, AclApi acls, SseService sse)
{
    private const int MaxDeleteKeys = 1000;

    public async Task PutObjectAsync(S3Request r)
    {
        var bucket = await buckets.GetAsync(r.Bucket, r.Aborted);
        var spec = await SpecFromHeadersAsync(r, bucket);
        var asked = SseHeaders.Asked(r, sse);
        spec = spec with { Encryption = await SseHeaders.PlanAsync(r, sse, bucket, asked) };
        await using var body = ChecksumVerifyingStream.For(r);
        var row = await objects.PutAsync(r.Caller, bucket, r.Key, body, spec with { Checksum = () => body.Stored }, r.Aborted);
        r.Response.Headers.ETag = row.Etag;
        SseResponse.Write(r.Response, row.Encryption);
        body.WriteHeader(r.Response);
        WriteVersionHeader(r, bucket, row);
        r.Response.StatusCode = 200;
    }

    private async Task<ObjectService.PutSpec> SpecFromHeadersAsync(S3Request r, BucketRow bucket)
    {
        var owner = r.Caller.Account?.CanonicalId ?? bucket.OwnerCanonical;
        return new ObjectService.PutSpec(
            ObjectHeaders.FromRequest(r.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))),
            await acls.AclFromHeadersAsync(r, owner, bucket.OwnerCanonical),
            TagSet.FromHeader(r.Header("x-amz-tagging")),
            ObjectService.ParseContentMd5(r.Header("Content-MD5")),
            r.ContentLength,
            Preconditions.ForWrite(r.Header("If-Match"), r.Header("If-None-Match")),
            ObjectLockHeaders.ForPut(r, bucket));
    }

    public async Task GetObjectAsync(S3Request r, bool head)
    {
        var versionId = r.Query("versionId");
        var (bucket, row) = await objects.FindAsync(r.Caller, r.Bucket, r.Key, versionId,
            versionId is null ? S3Action.GetObject : S3Action.GetObjectVersion, r.Aborted);
        var customerKey = SseHeaders.ReadKey(r, sse);
        SseService.CheckReadKey(ObjectEncryption.FromJson(row.Encryption), customerKey);
        var response = r.Response;
        SseResponse.Write(response, row.Encryption);
        response.Headers.ETag = row.Etag;
        response.Headers.LastModified = S3Xml.HttpDate(row.LastModified);
        WriteVersionHeader(r, bucket, row);
        ObjectLockHeaders.Write(response, bucket, row);

        var outcome = Preconditions.Evaluate(row.Etag, row.LastModified, r.Header("If-Match"), r.Header("If-None-Match"),
            HttpDate(r.Header("If-Modified-Since")), HttpDate(r.Header("If-Unmodified-Since")));
        if (outcome == Preconditions.Outcome.Failed)
            throw S3Errors.PreconditionFailed(r.Header("If-Match") is not null ? "If-Match" : "If-Unmodified-Since");
        if (outcome == Preconditions.Outcome.NotModified)
        {
            response.StatusCode = 304;
            return;
        }

        foreach (var (name, value) in ObjectHeaders.FromJson(row.Headers))
            response.Headers[name] = value;
        if (!r.Caller.IsAnonymous)
            foreach (var (query, header) in ResponseOverrides)
                if (r.Query(query) is { } value)
                    response.Headers[header] = value;
        var tagCount = TagSet.Read(row.Tags).Count;
        if (tagCount > 0)
            response.Headers["x-amz-tagging-count"] = tagCount.ToString(CultureInfo.InvariantCulture);
        response.Headers.AcceptRanges = "bytes";

        var partNumber = r.Query("partNumber");
        var (range, partChecksum) = partNumber is null ? (ByteRange.Parse(r.Header("Range"), row.Size), null) : PartNumberRead.Resolve(r, partNumber, row);
        ObjectChecksumHeaders.Write(r, row, partChecksum);
        long offset = 0, length = row.Size;
        if (range is { } rg)
        {
            (offset, length) = (rg.Start, rg.Length);
            response.StatusCode = 206;
            response.Headers.ContentRange = $"bytes {rg.Start}-{rg.End}/{row.Size}";
        }
        else
            response.StatusCode = 200;
        response.ContentLength = length;
        if (head)
            return;
        await using var stream = await sse.OpenAsync(objects.OpenRead(row), row.Encryption, customerKey, r.Aborted);
        stream.Seek(offset, SeekOrigin.Begin);
        await StreamCopy.CopyAsync(stream, response.BodyWriter, length, r.Aborted);
    }

    private static readonly (string Query, string Header)[] ResponseOverrides =
    [
        ("response-content-type", HeaderNames.ContentType), ("response-content-language", HeaderNames.ContentLanguage),
        ("response-expires", HeaderNames.Expires), ("response-cache-control", HeaderNames.CacheControl),
        ("response-content-disposition", HeaderNames.ContentDisposition), ("response-content-encoding", HeaderNames.ContentEncoding),
    ];

    public Task GetObjectAttributesAsync(S3Request r) => ObjectAttributesApi.GetAsync(r, objects);

    public async Task DeleteObjectAsync(S3Request r)
    {
        var (versionId, marker) = await objects.DeleteAsync(r.Caller, r.Bucket, r.Key, r.Query("versionId"), r.Aborted,
            ObjectLockHeaders.BypassesGovernance(r));
        if (versionId is not null)
            r.Response.Headers["x-amz-version-id"] = versionId;
        if (marker)
            r.Response.Headers["x-amz-delete-marker"] = "true";
        r.Response.StatusCode = 204;
    }

    public async Task DeleteObjectsAsync(S3Request r)
    {
        var body = await r.ReadSmallBodyAsync(S3BodyLimits.MultiObject);
        var md5 = ObjectService.ParseContentMd5(r.Header("Content-MD5"));
        if (md5 is not null && !System.Security.Cryptography.MD5.HashData(body).AsSpan().SequenceEqual(md5))
            throw S3Errors.BadDigest();
        var xml = S3Xml.Parse(body);
        if (xml.Name.LocalName != "Delete")
            throw S3Errors.MalformedXml();
        var quiet = string.Equals(xml.Child("Quiet"), "true", StringComparison.OrdinalIgnoreCase);
        var targets = xml.Children("Object").Select(o => (Key: o.Child("Key"), Version: o.Child("VersionId"))).ToList();
        if (targets.Count == 0 || targets.Count > MaxDeleteKeys || targets.Any(t => t.Key is null))
            throw S3Errors.MalformedXml();
        await buckets.GetAsync(r.Bucket, r.Aborted);
        var results = new List<(string Key, string? Version, bool Marker, string? MarkerVersion, WalrusException? Error)>();
        foreach (var (key, version) in targets)
        {
            try
            {
                var (versionId, marker) = await objects.DeleteAsync(r.Caller, r.Bucket, key!, version, r.Aborted, ObjectLockHeaders.BypassesGovernance(r));
                results.Add((key!, version, marker, version is null && marker ? versionId : null, null));
            }
            catch (WalrusException e)
            {
                results.Add((key!, version, false, null, e));
            }
        }
        await S3Xml.WriteAsync(r.Response, "DeleteResult", w =>
        {
            foreach (var result in results)
            {
                if (result.Error is null && quiet)
                    continue;
                w.WriteStartElement(result.Error is null ? "Deleted" : "Error", S3Xml.Namespace);
                w.Element("Key", result.Key);
                w.Element("VersionId", result.Version);
                if (result.Error is { } e)
                {
                    w.Element("Code", e.Code);
                    w.Element("Message", e.Message);
                }
                else if (result.Marker)
                {
                    w.Element("DeleteMarker", "true");
                    w.Element("DeleteMarkerVersionId", result.MarkerVersion);
                }
                w.WriteEndElement();
            }
        });
    }

    public async Task CopyObjectAsync(S3Request r)
    {
        var source = await CopySource.ResolveAsync(r, objects);
        var bucket = await buckets.GetAsync(r.Bucket, r.Aborted);
        var replace = r.Header("x-amz-metadata-directive") switch
        {
            null or "COPY" => false,
            "REPLACE" => true,
            var other => throw S3Errors.InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", other),
        };
        var tagging = r.Header("x-amz-tagging-directive") switch
        {
            null or "COPY" => true,
            "REPLACE" => false,
            var other => throw S3Errors.InvalidArgument("Unknown tagging directive.", "x-amz-tagging-directive", other),
        };
        var owner = r.Caller.Account?.CanonicalId ?? bucket.OwnerCanonical;
        var headers = replace ? ObjectHeaders.FromRequest(r.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))) : null;
        var asked = SseHeaders.Asked(r, sse);
        var acl = await acls.AclFromHeadersAsync(r, owner, bucket.OwnerCanonical);
        await using var plainSource = await SseHeaders.OpenCopySourceAsync(r, sse, source, objects);
        var target = await SseHeaders.PlanAsync(r, sse, bucket, asked);
        var checksum = await CopyChecksum.ForAsync(r, async () => await SseHeaders.OpenCopySourceAsync(r, sse, source, objects) ?? objects.OpenRead(source));
        var (row, _) = await objects.CopyAsync(r.Caller, source, r.Bucket, r.Key, headers,
            acl, TagSet.FromHeader(r.Header("x-amz-tagging")), tagging, r.Aborted,
            lockSettings: ObjectLockHeaders.ForPut(r, bucket, hasBody: false), sse: new SseCopy(plainSource, target, !asked.SaysNothing),
            checksum: checksum);
        SseResponse.Write(r.Response, row.Encryption);
        if (source.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-copy-source-version-id"] = source.VersionId;
        WriteVersionHeader(r, bucket, row);
        await S3Xml.WriteAsync(r.Response, "CopyObjectResult", w =>
        {
            w.Element("LastModified", S3Xml.Timestamp(row.LastModified));
            w.Element("ETag", row.Etag);
            ChecksumElements.Write(w, row);
        });
    }

    private static void WriteVersionHeader(S3Request r, BucketRow bucket, ObjectRow row)
    {
        if (bucket.Versioning != "" || row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
    }

    internal static DateTimeOffset? HttpDate(string? value) =>
        value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var d) ? d : null;
}
