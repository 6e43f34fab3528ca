using Ironbark.Walrus.Encryption;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>The encryption headers of an S3 request, read for the operation at hand.</summary>
public static class SseHeaders
{
    /// <summary>The encryption a write asked for (or nothing: the bucket's default then applies).</summary>
    public static SseRequest Asked(S3Request r, SseService sse) => SseRequest.Parse(r.Header, r.Request.IsHttps, sse.RequireTlsForCustomerKeys);

    /// <summary>The SSE-C key a read sent (x-amz-server-side-encryption-customer-*), refusing write-only headers.</summary>
    public static CustomerKey? ReadKey(S3Request r, SseService sse)
    {
        SseRequest.RefuseOnRead(r.Header);
        return CustomerKey.Parse(r.Header, CustomerKey.Prefix, r.Request.IsHttps, sse.RequireTlsForCustomerKeys);
    }

    /// <summary>The copy source's SSE-C key (x-amz-copy-source-server-side-encryption-customer-*).</summary>
    public static CustomerKey? CopySourceKey(S3Request r, SseService sse) =>
        CustomerKey.Parse(r.Header, CustomerKey.CopySourcePrefix, r.Request.IsHttps, sse.RequireTlsForCustomerKeys);

    /// <summary>A new object's encryption plan (its own data key), or null when it is stored plain.</summary>
    public static async Task<EncryptionPlan?> PlanAsync(S3Request r, SseService sse, BucketRow bucket, SseRequest asked)
    {
        var settings = sse.Choose(asked, bucket, r.Key, r.Caller);
        return settings is null ? null : await sse.PlanAsync(settings, asked.CustomerKey, r.Aborted);
    }

    /// <summary>The decrypted bytes of a copy source (checking its SSE-C key), or null when it is not encrypted and needs no key.</summary>
    public static async Task<Stream?> OpenCopySourceAsync(S3Request r, SseService sse, ObjectRow source, Domain.ObjectService objects)
    {
        var key = CopySourceKey(r, sse);
        SseService.CheckReadKey(ObjectEncryption.FromJson(source.Encryption), key);
        return source.Encryption is null ? null : await sse.OpenAsync(objects.OpenRead(source), source.Encryption, key, r.Aborted);
    }
}
