using System.Security.Cryptography;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>
/// Passes a PUT or UploadPart body through and, at its end, checks the declared additional checksum against the
/// bytes (the value from its header, or from the aws-chunked trailer that has just been read) and that the trailers
/// which came are exactly those x-amz-trailer announced. A failure is raised from the read that reaches the end, so,
/// as with the signed payload hash and Content-MD5, the object is never committed.
/// </summary>
public sealed class ChecksumVerifyingStream(Stream inner, DeclaredChecksum declared) : ReadOnlyStream
{
    private readonly ChecksumHasher? _hasher = declared.Algorithm?.NewHasher();
    private bool _done;

    /// <summary>The checksum computed and found equal to the declared one (base64), once the body has been read.</summary>
    public string? Verified { get; private set; }

    public static ChecksumVerifyingStream For(S3Request r) => new(r.Body, DeclaredChecksum.FromRequest(r));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done)
            return 0;
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            _hasher?.Append(buffer.Span[..read]);
            return read;
        }
        _done = true;
        Verify();
        return 0;
    }

    private void Verify()
    {
        IReadOnlyDictionary<string, string> trailers = (inner as AwsChunkedStream)?.Trailers ?? new Dictionary<string, string>();
        if (trailers.Count != declared.Trailers.Count || declared.Trailers.Any(t => !trailers.ContainsKey(t)))
            throw ChecksumErrors.MalformedTrailer();
        if (declared.Algorithm is not { } algorithm)
            return;
        // Neither header nor trailer: the algorithm the upload asked for, computed here (as S3 does for a part sent without one).
        var expected = declared.HeaderValue;
        if (expected is null && declared.Trailers.Count > 0)
            expected = algorithm.Decode(trailers[algorithm.HeaderName]) ?? throw ChecksumErrors.InvalidValue(algorithm.HeaderName);
        var computed = _hasher!.Finish();
        if (expected is not null && !CryptographicOperations.FixedTimeEquals(computed, expected))
            throw ChecksumErrors.Mismatch(algorithm);
        Verified = Convert.ToBase64String(computed);
    }

    /// <summary>The verified checksum as it is stored with the object or part, or null when there was none.</summary>
    public StoredChecksum? Stored => Verified is null ? null : new StoredChecksum(declared.Algorithm!.Name, Verified, StoredChecksum.FullObject);

    /// <summary>Echoes the verified checksum in the answer, as S3 does for PutObject and UploadPart.</summary>
    public void WriteHeader(HttpResponse response)
    {
        if (Verified is not null)
            response.Headers[declared.Algorithm!.HeaderName] = Verified;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hasher?.Dispose();
        base.Dispose(disposing);
    }
}
