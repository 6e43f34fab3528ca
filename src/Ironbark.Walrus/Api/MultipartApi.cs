using System.Globalization;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts and ListMultipartUploads.</summary>
public sealed class MultipartApi(MultipartService multipart, BucketService buckets, ObjectService objects, WalrusStore store, AclApi acls, DisplayNames displayNames,
    SseService sse)
{
    public async Task CreateAsync(S3Request r)
    {
        var bucket = await buckets.GetAsync(r.Bucket, r.Aborted);
        var owner = r.Caller.Account?.CanonicalId ?? bucket.OwnerCanonical;
        var asked = SseHeaders.Asked(r, sse);
        var acl = await acls.AclFromHeadersAsync(r, owner, bucket.OwnerCanonical);
        // A first data key now: an unknown KMS key is refused here, as S3 does, and the upload keeps the key's ARN.
        var encryption = (await SseHeaders.PlanAsync(r, sse, bucket, asked))?.Settings;
        var upload = await multipart.CreateAsync(r.Caller, r.Bucket, r.Key,
            ObjectHeaders.FromRequest(r.Request.Headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString()))),
            acl, TagSet.FromHeader(r.Header("x-amz-tagging")), r.Aborted,
            lockSettings: ObjectLockHeaders.ForPut(r, bucket, hasBody: false), encryption: encryption,
            checksum: UploadChecksum.FromHeaders(r.Header("x-amz-checksum-algorithm"), r.Header("x-amz-checksum-type")));
        SseResponse.Write(r.Response, encryption);
        if (UploadChecksum.Parse(upload.Checksum) is { } checksum)
        {
            r.Response.Headers["x-amz-checksum-algorithm"] = checksum.Algorithm;
            r.Response.Headers["x-amz-checksum-type"] = checksum.Type;
        }
        await S3Xml.WriteAsync(r.Response, "InitiateMultipartUploadResult", w =>
        {
            w.Element("Bucket", r.Bucket);
            w.Element("Key", r.Key);
            w.Element("UploadId", upload.UploadId);
        });
    }

    public async Task UploadPartAsync(S3Request r)
    {
        var partNumber = PartNumber(r);
        var declared = DeclaredChecksum.FromRequest(r);
        var key = PartKey(r);
        var upload = await multipart.FindAsync(r.Caller, r.Bucket, r.Key, r.Query("uploadId")!, S3Action.PutObject, r.Aborted);
        await using var body = new ChecksumVerifyingStream(r.Body, PartChecksum.Declared(declared, upload));
        var part = await multipart.UploadPartAsync(r.Caller, r.Bucket, r.Key, r.Query("uploadId")!, partNumber, body, r.ContentLength,
            ObjectService.ParseContentMd5(r.Header("Content-MD5")), r.Aborted, encrypt: u => PartPlanAsync(u, key, r.Aborted), checksum: () => body.Stored);
        r.Response.Headers.ETag = part.Etag;
        SseResponse.Write(r.Response, part.Encryption);
        body.WriteHeader(r.Response);
        r.Response.StatusCode = 200;
    }

    public async Task UploadPartCopyAsync(S3Request r)
    {
        var source = await CopySource.ResolveAsync(r, objects);
        ByteRange? range = r.Header("x-amz-copy-source-range") is { } header ? ByteRange.ParseCopySourceRange(header, source.Size) : null;
        var key = PartKey(r);
        await using var plainSource = await SseHeaders.OpenCopySourceAsync(r, sse, source, objects);
        var part = await multipart.UploadPartCopyAsync(r.Caller, r.Bucket, r.Key, r.Query("uploadId")!, PartNumber(r), source, range, r.Aborted,
            plainSource, upload => PartPlanAsync(upload, key, r.Aborted));
        SseResponse.Write(r.Response, part.Encryption);
        await S3Xml.WriteAsync(r.Response, "CopyPartResult", w =>
        {
            w.Element("LastModified", S3Xml.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(part.LastModifiedMs)));
            w.Element("ETag", part.Etag);
        });
    }

    public async Task CompleteAsync(S3Request r)
    {
        var condition = Preconditions.ForWrite(r.Header("If-Match"), r.Header("If-None-Match"));
        var xml = await S3Xml.ReadAsync(r, S3BodyLimits.MultiObject);
        if (xml.Name.LocalName != "CompleteMultipartUpload")
            throw S3Errors.MalformedXml();
        var parts = new List<(int, string)>();
        var claimed = new Dictionary<int, MultipartChecksum.Claim>();
        foreach (var p in xml.Children("Part"))
        {
            if (!int.TryParse(p.Child("PartNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || p.Child("ETag") is not { } etag)
                throw S3Errors.MalformedXml();
            parts.Add((n, etag));
            if (PartChecksum.Claimed(p) is { } claim)
                claimed[n] = claim;
        }
        var row = await multipart.CompleteAsync(r.Caller, r.Bucket, r.Key, r.Query("uploadId")!, parts, condition, r.Aborted, claimed,
            PartChecksum.ClaimedWhole(r));
        if (row.VersionId != ObjectRow.NullVersion)
            r.Response.Headers["x-amz-version-id"] = row.VersionId;
        SseResponse.Write(r.Response, row.Encryption);
        await S3Xml.WriteAsync(r.Response, "CompleteMultipartUploadResult", w =>
        {
            w.Element("Location", $"{r.Request.Scheme}://{r.Request.Host}/{r.Bucket}/{Ironbark.Common.Auth.SigV4.UriEncode(r.Key, true)}");
            w.Element("Bucket", r.Bucket);
            w.Element("Key", r.Key);
            w.Element("ETag", row.Etag);
            ChecksumElements.Write(w, row);
        });
    }

    public async Task AbortAsync(S3Request r)
    {
        await multipart.AbortAsync(r.Caller, r.Bucket, r.Key, r.Query("uploadId")!, r.Aborted);
        r.Response.StatusCode = 204;
    }

    public async Task ListPartsAsync(S3Request r)
    {
        var uploadId = r.Query("uploadId")!;
        var upload = await multipart.FindAsync(r.Caller, r.Bucket, r.Key, uploadId, S3Action.ListMultipartUploadParts, r.Aborted);
        var marker = IntArg(r, "part-number-marker", 0);
        var max = Math.Min(IntArg(r, "max-parts", 1000), 1000);
        var parts = await store.ListPartsAsync(uploadId, marker, max + 1, r.Aborted);
        var truncated = parts.Count > max;
        var page = parts.Take(max).ToList();
        var names = await displayNames.ResolveAsync([upload.OwnerCanonical], r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ListPartsResult", w =>
        {
            w.Element("Bucket", r.Bucket);
            w.Element("Key", r.Key);
            w.Element("UploadId", uploadId);
            names.Write(w, "Initiator", upload.OwnerCanonical);
            names.Write(w, "Owner", upload.OwnerCanonical);
            w.Element("StorageClass", "STANDARD");
            w.Element("PartNumberMarker", marker.ToString(CultureInfo.InvariantCulture));
            if (page.Count > 0)
                w.Element("NextPartNumberMarker", page[^1].PartNumber.ToString(CultureInfo.InvariantCulture));
            w.Element("MaxParts", max.ToString(CultureInfo.InvariantCulture));
            w.Element("IsTruncated", truncated ? "true" : "false");
            foreach (var p in page)
            {
                w.WriteStartElement("Part", S3Xml.Namespace);
                w.Element("PartNumber", p.PartNumber.ToString(CultureInfo.InvariantCulture));
                w.Element("LastModified", S3Xml.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(p.LastModifiedMs)));
                w.Element("ETag", p.Etag);
                w.Element("Size", p.Size.ToString(CultureInfo.InvariantCulture));
                if (StoredChecksum.Parse(p.Checksum) is { } partChecksum)
                    w.Element(partChecksum.ElementName, partChecksum.Value);
                w.WriteEndElement();
            }
            if (UploadChecksum.Parse(upload.Checksum) is { } checksum)
            {
                w.Element("ChecksumAlgorithm", checksum.Algorithm);
                w.Element("ChecksumType", checksum.Type);
            }
        });
    }

    public async Task ListUploadsAsync(S3Request r)
    {
        await buckets.AuthorizeAsync(r.Caller, r.Bucket, S3Action.ListBucketMultipartUploads, r.Aborted);
        var prefix = r.Query("prefix") ?? "";
        var keyMarker = r.Query("key-marker") ?? "";
        var uploadMarker = r.Query("upload-id-marker") ?? "";
        var max = Math.Min(IntArg(r, "max-uploads", 1000), 1000);
        var rows = await store.ListUploadsAsync(r.Bucket, prefix, keyMarker, keyMarker.Length > 0 ? uploadMarker : "", max + 1, r.Aborted);
        var page = rows.Where(u => u.Key.StartsWith(prefix, StringComparison.Ordinal)).Take(max + 1).ToList();
        var truncated = page.Count > max;
        page = page.Take(max).ToList();
        var names = await displayNames.ResolveAsync(page.Select(u => u.OwnerCanonical), r.Aborted);
        await S3Xml.WriteAsync(r.Response, "ListMultipartUploadsResult", w =>
        {
            w.Element("Bucket", r.Bucket);
            w.Element("KeyMarker", keyMarker);
            w.Element("UploadIdMarker", uploadMarker);
            if (truncated)
            {
                w.Element("NextKeyMarker", page[^1].Key);
                w.Element("NextUploadIdMarker", page[^1].UploadId);
            }
            w.Element("Prefix", prefix);
            w.Element("MaxUploads", max.ToString(CultureInfo.InvariantCulture));
            w.Element("IsTruncated", truncated ? "true" : "false");
            foreach (var u in page)
            {
                w.WriteStartElement("Upload", S3Xml.Namespace);
                w.Element("Key", u.Key);
                w.Element("UploadId", u.UploadId);
                names.Write(w, "Initiator", u.OwnerCanonical);
                names.Write(w, "Owner", u.OwnerCanonical);
                w.Element("StorageClass", "STANDARD");
                w.Element("Initiated", S3Xml.Timestamp(DateTimeOffset.FromUnixTimeMilliseconds(u.InitiatedMs)));
                w.WriteEndElement();
            }
        });
    }

    /// <summary>A part's SSE-C key: the part headers say nothing else about encryption (the upload does).</summary>
    private CustomerKey? PartKey(S3Request r)
    {
        SseRequest.RefuseOnRead(r.Header);
        return CustomerKey.Parse(r.Header, CustomerKey.Prefix, r.Request.IsHttps, sse.RequireTlsForCustomerKeys);
    }

    /// <summary>A fresh data key for one part, under the upload's encryption; an SSE-C upload needs its own key again.</summary>
    private async Task<EncryptionPlan?> PartPlanAsync(UploadRow upload, CustomerKey? key, CancellationToken ct)
    {
        var settings = ObjectEncryption.FromJson(upload.Encryption);
        if (settings?.Mode == ObjectEncryption.SseC)
        {
            if (key is null)
                throw SseErrors.UploadNeedsCustomerKey();
            if (!key.Matches(settings))
                throw SseErrors.CustomerKeyNotUploads();
        }
        else if (key is not null)
            throw SseErrors.CustomerKeyNotApplicable();
        return settings is null ? null : await sse.PlanAsync(settings, key, ct);
    }

    private static int PartNumber(S3Request r) =>
        int.TryParse(r.Query("partNumber"), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw S3Errors.InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", r.Query("partNumber"));

    private static int IntArg(S3Request r, string name, int fallback)
    {
        var text = r.Query(name);
        if (text is null)
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw S3Errors.InvalidArgument($"Provided {name} not an integer or within integer range", name, text);
    }
}
