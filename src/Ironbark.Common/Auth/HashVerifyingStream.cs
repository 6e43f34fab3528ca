using System.Security.Cryptography;

namespace Ironbark.Common.Auth;

/// <summary>Passes a body through and, at its end, checks it against the signed x-amz-content-sha256.</summary>
public sealed class HashVerifyingStream(Stream inner, string expectedHex) : ReadOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _done;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_done)
            return 0;
        var read = await inner.ReadAsync(buffer, cancellationToken);
        if (read > 0)
        {
            _hash.AppendData(buffer.Span[..read]);
            return read;
        }
        _done = true;
        if (!string.Equals(Convert.ToHexStringLower(_hash.GetHashAndReset()), expectedHex, StringComparison.OrdinalIgnoreCase))
            throw new AuthException("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.", 400);
        return 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _hash.Dispose();
        base.Dispose(disposing);
    }
}
