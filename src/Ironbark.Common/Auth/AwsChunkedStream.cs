using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Common.Auth;

/// <summary>
/// Decodes an aws-chunked body ("hex-size[;chunk-signature=…]\r\n data \r\n … 0…\r\n [trailers] \r\n"),
/// verifying each chunk's signature (when signed) and the decoded length. Data is handed on as
/// it arrives; the signature of a chunk is checked when its last byte has been read, and the
/// stream reports its end only after every check has passed.
/// </summary>
public sealed class AwsChunkedStream : ReadOnlyStream
{
    // A chunk header is "hex-size;chunk-signature=<64 hex>" and a trailer one checksum: both far below these bounds,
    // which keep what a client can make the server buffer small whatever it sends.
    private const int MaxLine = 4096;
    private const int MaxTrailers = 8;
    private readonly Stream _inner;
    private readonly ChunkSigner? _signer;
    private readonly long _decodedLength;
    private readonly bool _trailer;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly IncrementalHash _chunkHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private int _pos, _len;
    private long _chunkRemaining;
    private string? _chunkSignature;
    private long _total;
    private bool _finished;

    public AwsChunkedStream(Stream inner, ChunkSigner? signer, long decodedLength, bool trailer)
    {
        if (decodedLength < 0)
            throw new AuthException("InvalidArgument", "x-amz-decoded-content-length must be a non-negative number.", 400);
        _inner = inner;
        _signer = signer;
        _decodedLength = decodedLength;
        _trailer = trailer;
    }

    /// <summary>Trailing headers sent after the last chunk (for example x-amz-checksum-crc32), each name at most once.</summary>
    public Dictionary<string, string> Trailers { get; } = new(StringComparer.OrdinalIgnoreCase);

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
    {
        while (!_finished)
        {
            if (_chunkRemaining > 0)
            {
                if (_pos == _len && !await FillAsync(ct))
                    throw Incomplete();
                var n = (int)Math.Min(Math.Min(_chunkRemaining, _len - _pos), destination.Length);
                var slice = _buffer.AsSpan(_pos, n);
                slice.CopyTo(destination.Span);
                _chunkHash.AppendData(slice);
                _pos += n;
                _chunkRemaining -= n;
                _total += n;
                if (_total > _decodedLength)
                    throw Incomplete();
                if (_chunkRemaining == 0)
                    await EndChunkAsync(ct);
                return n;
            }
            await StartChunkAsync(ct);
        }
        return 0;
    }

    private async Task StartChunkAsync(CancellationToken ct)
    {
        var header = await ReadLineAsync(ct);
        var semicolon = header.IndexOf(';');
        var sizeText = semicolon < 0 ? header : header[..semicolon];
        if (!long.TryParse(sizeText, System.Globalization.NumberStyles.HexNumber, null, out var size) || size < 0)
            throw new AuthException("InvalidChunkSizeError", "Only the last chunk is allowed to have a size less than 8192 bytes", 400);
        if (size > _decodedLength - _total)
            throw Incomplete();
        _chunkSignature = null;
        if (semicolon >= 0)
        {
            var extension = header[(semicolon + 1)..];
            if (extension.StartsWith("chunk-signature=", StringComparison.Ordinal))
                _chunkSignature = extension["chunk-signature=".Length..];
        }
        if (_signer is not null && _chunkSignature is null)
            throw AuthException.SignatureMismatch();
        _chunkRemaining = size;
        if (size == 0)
        {
            VerifyChunkSignature();
            await ReadTrailersAsync(ct);
            if (_total != _decodedLength)
                throw Incomplete();
            _finished = true;
        }
    }

    private async Task EndChunkAsync(CancellationToken ct)
    {
        VerifyChunkSignature();
        if (await ReadLineAsync(ct) != "")
            throw new AuthException("IncompleteBody", "The aws-chunked body is malformed: a chunk does not end with CRLF.", 400);
    }

    private void VerifyChunkSignature()
    {
        var hash = Convert.ToHexStringLower(_chunkHash.GetHashAndReset());
        if (_signer is null)
            return;
        if (!SigV4.SignaturesEqual(_signer.NextChunk(hash), _chunkSignature ?? ""))
            throw AuthException.SignatureMismatch();
    }

    private async Task ReadTrailersAsync(CancellationToken ct)
    {
        if (!_trailer)
        {
            if (await ReadLineAsync(ct, allowEnd: true) != "")
                throw MalformedTrailer();
            return;
        }
        string? trailerSignature = null;
        var canonical = new StringBuilder();
        while (true)
        {
            var line = await ReadLineAsync(ct, allowEnd: true);
            if (line.Length == 0)
                break;
            var colon = line.IndexOf(':');
            if (colon <= 0)
                throw MalformedTrailer();
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("x-amz-trailer-signature", StringComparison.OrdinalIgnoreCase))
                trailerSignature = trailerSignature is null ? value : throw MalformedTrailer();
            else
            {
                if (Trailers.Count == MaxTrailers || !Trailers.TryAdd(name, value))
                    throw MalformedTrailer();
                canonical.Append(name.ToLowerInvariant()).Append(':').Append(value).Append('\n');
            }
        }
        if (_signer is not null && (trailerSignature is null || !SigV4.SignaturesEqual(_signer.Trailer(canonical.ToString()), trailerSignature)))
            throw AuthException.SignatureMismatch();
    }

    private async Task<string> ReadLineAsync(CancellationToken ct, bool allowEnd = false)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_pos == _len && !await FillAsync(ct))
            {
                if (allowEnd && line.Length == 0)
                    return "";
                throw Incomplete();
            }
            var c = (char)_buffer[_pos++];
            if (c == '\n')
                return line.ToString().TrimEnd('\r');
            if (line.Length >= MaxLine)
                throw new AuthException("IncompleteBody", "The aws-chunked body is malformed: a header line is too long.", 400);
            line.Append(c);
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        _pos = 0;
        _len = await _inner.ReadAsync(_buffer, ct);
        return _len > 0;
    }

    private static AuthException MalformedTrailer() =>
        new("MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.", 400);

    private static AuthException Incomplete() =>
        new("IncompleteBody", "The request body ended early or did not match x-amz-decoded-content-length.", 400);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _chunkHash.Dispose();
        base.Dispose(disposing);
    }
}
