using System.Security.Cryptography;
using System.Text;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Ironbark.Walrus.Api;

/// <summary>
/// Browser-style POST uploads (multipart/form-data with a signed policy, SigV4 or SigV2). The file
/// part streams straight into the object store.
/// </summary>
public sealed class PostObjectApi(ObjectService objects, BucketService buckets, ICredentialSource credentials, TimeProvider time, WalrusOptions options,
    Encryption.SseService sse)
{
    /// <summary>AWS's limit on the form fields before the file (MaxPostPreDataLengthExceeded).</summary>
    public const int MaxPreDataBytes = 20 * 1024;
    // Part headers, boundaries and a preamble come on top of the fields; the multipart reader reads ahead a little too.
    private const int MaxPreDataOverheadBytes = 64 * 1024;

    public async Task PostObjectAsync(S3Request r)
    {
        if (!MediaTypeHeaderValue.TryParse(r.Request.ContentType, out var mediaType) || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw S3Errors.InvalidRequest("POST requires multipart/form-data with a file field, or ?delete / ?uploads.");
        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value ?? throw S3Errors.MalformedXml();
        // Before the form is read: a client waiting for 100 Continue gets NoSuchBucket without sending its upload.
        var bucket = await buckets.GetAsync(r.Bucket, r.Aborted);
        var body = new ReadLimitStream(r.Body, () => S3Errors.MaxPostPreDataLengthExceeded(MaxPreDataBytes)) { Limit = MaxPreDataBytes + MaxPreDataOverheadBytes };
        var (fields, file, fileName, fileType) = await ReadFieldsAsync(new MultipartReader(boundary, body), r.Aborted);
        // The file streams into the store, bounded by the policy's content-length-range and the object size limit.
        body.Limit = null;
        if (file is null)
            throw S3Errors.InvalidArgument("POST requires exactly one file upload per request.", "file", "0");
        if (!fields.TryGetValue("key", out var key) || key.Length == 0)
            throw S3Errors.InvalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", "key");
        key = key.Replace("${filename}", fileName, StringComparison.Ordinal);
        fields["key"] = key;
        fields["bucket"] = r.Bucket;

        var caller = await AuthenticateAsync(fields, r.Aborted);
        PostPolicy? policy = null;
        if (!caller.IsAnonymous)
        {
            policy = PostPolicy.Parse(fields["policy"]);
            policy.Check(fields, time.GetUtcNow());
        }
        var owner = caller.Account?.CanonicalId ?? bucket.OwnerCanonical;
        var headers = ObjectHeaders.FromRequest(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))
            .Append(new("Content-Type", fields.GetValueOrDefault("content-type") ?? fileType ?? "")));
        var acl = fields.TryGetValue("acl", out var canned) ? AccessControlList.Canned(canned, owner, bucket.OwnerCanonical) : null;
        // The encryption form fields, else the bucket's default; a customer key is a header-only thing (S3 takes it in neither).
        var asked = Encryption.SseRequest.Parse(name => name.StartsWith(Encryption.CustomerKey.Prefix, StringComparison.Ordinal) ? null : fields.GetValueOrDefault(name),
            r.Request.IsHttps, sse.RequireTlsForCustomerKeys);
        var settings = sse.Choose(asked, bucket, key, caller);
        var plan = settings is null ? null : await sse.PlanAsync(settings, null, r.Aborted);
        ObjectRow row;
        try
        {
            row = await objects.PutAsync(caller, bucket, key, file.Body,
                new ObjectService.PutSpec(headers, acl, PostTagging.Parse(fields.GetValueOrDefault("tagging")), null, null, Encryption: plan),
                r.Aborted, policy?.MaxLength, policy is null ? _ => { } : policy.CheckLength);
        }
        catch (IOException e) when (e is not BadHttpRequestException && !r.Aborted.IsCancellationRequested)
        {
            // The multipart reader found the form's end before the file's closing boundary: nothing was stored.
            throw S3Errors.MalformedPostRequest();
        }
        Encryption.SseResponse.Write(r.Response, row.Encryption);
        await RespondAsync(r, fields, row.Etag, key);
    }

    /// <summary>
    /// The form fields up to the file part, read within AWS's 20 KiB and within the in-memory body timeout: an anonymous
    /// form costs a bounded amount of memory and time whatever it sends.
    /// </summary>
    private async Task<(Dictionary<string, string> Fields, MultipartSection? File, string? FileName, string? FileType)> ReadFieldsAsync(
        MultipartReader reader, CancellationToken aborted)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(options.InMemoryBodyTimeout);
        var preData = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(deadline.Token) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
                    throw S3Errors.InvalidArgument("Each part of a POST form needs a Content-Disposition with a field name.", "Content-Disposition");
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value?.ToLowerInvariant() ?? "";
                if (name == "file")
                    // The file part's own type is a fallback for the Content-Type field, not a field the policy must cover.
                    return (fields, section, HeaderUtilities.RemoveQuotes(disposition.FileName).Value ?? "", section.ContentType);
                if ((preData += name.Length) > MaxPreDataBytes)
                    throw S3Errors.MaxPostPreDataLengthExceeded(MaxPreDataBytes);
                var value = await ReadFieldAsync(section.Body, MaxPreDataBytes - preData, deadline.Token);
                preData += value.Length;
                fields[name] = Encoding.UTF8.GetString(value);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            throw S3Errors.RequestTimeout();
        }
        catch (Exception e) when (e is InvalidDataException || (e is IOException && !aborted.IsCancellationRequested))
        {
            // The multipart reader's own limits (part header length and count), or a form that ends before its last boundary.
            throw S3Errors.MalformedPostRequest();
        }
        return (fields, null, null, null);
    }

    private static async Task<byte[]> ReadFieldAsync(Stream section, int budget, CancellationToken ct)
    {
        using var value = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await section.ReadAsync(chunk, ct)) > 0)
        {
            if (value.Length + read > budget)
                throw S3Errors.MaxPostPreDataLengthExceeded(MaxPreDataBytes);
            value.Write(chunk, 0, read);
        }
        return value.ToArray();
    }

    private static async Task RespondAsync(S3Request r, Dictionary<string, string> fields, string etag, string key)
    {
        r.Response.Headers.ETag = etag;
        r.Response.Headers.Location = $"{r.Request.Scheme}://{r.Request.Host}/{r.Bucket}/{SigV4.UriEncode(key, true)}";
        if (fields.TryGetValue("success_action_redirect", out var redirect) && Uri.TryCreate(redirect, UriKind.Absolute, out var target))
        {
            var separator = target.Query.Length > 0 ? "&" : "?";
            // S3 answers 303 See Other: the browser follows it with a GET.
            r.Response.StatusCode = 303;
            r.Response.Headers.Location = $"{redirect}{separator}bucket={Uri.EscapeDataString(r.Bucket)}&key={Uri.EscapeDataString(key)}&etag={Uri.EscapeDataString(etag)}";
            return;
        }
        switch (fields.GetValueOrDefault("success_action_status"))
        {
            case "200":
                r.Response.StatusCode = 200;
                break;
            case "201":
                await S3Xml.WriteAsync(r.Response, "PostResponse", w =>
                {
                    w.Element("Location", r.Response.Headers.Location.ToString());
                    w.Element("Bucket", r.Bucket);
                    w.Element("Key", key);
                    w.Element("ETag", etag);
                }, 201);
                break;
            default:
                r.Response.StatusCode = 204;
                break;
        }
    }

    /// <summary>The caller the form's signature proves (SigV4 or SigV2 over the policy), or anonymous when the form is unsigned.</summary>
    private async Task<Caller> AuthenticateAsync(Dictionary<string, string> fields, CancellationToken ct)
    {
        PostSignatureFields.Require(fields);
        if (fields.TryGetValue("x-amz-signature", out var signatureV4))
        {
            var policy = fields.GetValueOrDefault("policy") ?? throw S3Errors.InvalidArgument("Bucket POST must contain a field named 'policy'.", "policy");
            if (fields.GetValueOrDefault("x-amz-algorithm") != SigV4.Algorithm)
                throw S3Errors.InvalidArgument("Only AWS4-HMAC-SHA256 is supported for x-amz-algorithm.", "x-amz-algorithm");
            var scope = SigningScope.Parse(fields.GetValueOrDefault("x-amz-credential") ?? "",
                m => new AuthException("InvalidArgument", m, 400));
            var key = await credentials.FindAccessKeyAsync(scope.AccessKeyId, ct) ?? throw AuthException.UnknownKey();
            var expected = SigV4.Sign(SigV4.SigningKey(key.SecretAccessKey, scope.Date, scope.Region, scope.Service), policy);
            if (!SigV4.SignaturesEqual(expected, signatureV4))
                throw AuthException.SignatureMismatch();
            return new Caller(key.Account, key.AccessKeyId);
        }
        if (fields.TryGetValue("signature", out var signatureV2))
        {
            var policy = fields.GetValueOrDefault("policy") ?? throw S3Errors.InvalidArgument("Bucket POST must contain a field named 'policy'.", "policy");
            var key = await credentials.FindAccessKeyAsync(fields.GetValueOrDefault("awsaccesskeyid") ?? "", ct) ?? throw AuthException.UnknownKey();
            var expected = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(key.SecretAccessKey), Encoding.UTF8.GetBytes(policy)));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signatureV2)))
                throw AuthException.SignatureMismatch();
            return new Caller(key.Account, key.AccessKeyId);
        }
        return Caller.Anonymous;
    }
}
