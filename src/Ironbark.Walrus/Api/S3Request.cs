using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>An authenticated S3 request: what it addresses, who sent it and its (checked) body.</summary>
public sealed class S3Request(HttpContext http, S3Address address, S3Query query, AuthenticatedRequest auth, TimeSpan bodyTimeout)
{
    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public string Bucket => address.Bucket ?? throw new InvalidOperationException("No bucket in this request.");
    public string Key => address.Key ?? throw new InvalidOperationException("No key in this request.");
    public bool HasBucket => address.Bucket is not null;
    public bool HasKey => address.Key is not null;
    public S3Target Target => !HasBucket ? S3Target.Service : HasKey ? S3Target.Object : S3Target.Bucket;
    public S3Query QueryView => query;
    public Caller Caller => auth.Caller;
    public Stream Body => auth.Body;
    public long? ContentLength => auth.DecodedContentLength;
    public bool AwsChunked => auth.BodyIsAwsChunked;
    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>Query names are read from the one parsed view (exact spelling), never from ASP.NET's case-insensitive Request.Query.</summary>
    public bool Has(string name) => query.Has(name);
    public string? Query(string name) => query.Get(name);
    /// <summary>
    /// Reads a body that is parsed in memory, at most <paramref name="maxBytes"/> of it (else <paramref name="tooLarge"/>,
    /// MaxMessageLengthExceeded by default) and within the in-memory body timeout (else RequestTimeout).
    /// </summary>
    public async Task<byte[]> ReadSmallBodyAsync(int maxBytes, Func<WalrusException>? tooLarge = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Aborted);
        deadline.CancelAfter(bodyTimeout);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await Body.ReadAsync(chunk, deadline.Token)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                    throw tooLarge?.Invoke() ?? S3Errors.MaxMessageLengthExceeded(maxBytes);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !Aborted.IsCancellationRequested)
        {
            throw S3Errors.RequestTimeout();
        }
        return buffer.ToArray();
    }

    public string? Header(string name) => Request.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
}
