using System.Security.Cryptography;
using Ironbark.Common.Auth;
using Ironbark.Walrus.Backends;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// Reads a plaintext body and yields its ciphertext in the <see cref="ChunkedAesGcm"/> format, hashing the plaintext
/// (MD5, for the ETag) and counting it on the way; past <c>maxBytes</c> of plaintext it throws
/// <see cref="BodyTooLargeException"/>, as the blob store does for an unencrypted body.
/// </summary>
public sealed class EncryptingStream : ReadOnlyStream, ISelfHashingBody
{
    private readonly Stream _plain;
    private readonly AesGcm _aes;
    private readonly byte[] _prefix;
    private readonly long _maxBytes;
    private readonly IncrementalHash _md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
    private readonly byte[] _plainChunk = new byte[ChunkedAesGcm.ChunkSize];
    private readonly byte[] _sealed = new byte[ChunkedAesGcm.StoredChunkSize];
    private int _sealedStart;
    private int _sealedEnd;
    private long _chunk;
    private bool _ended;
    private byte[]? _hash;

    public EncryptingStream(Stream plain, byte[] key, byte[] noncePrefix, long maxBytes)
    {
        _plain = plain;
        _aes = new AesGcm(key, ChunkedAesGcm.TagSize);
        _prefix = noncePrefix;
        _maxBytes = maxBytes;
    }

    /// <summary>The plaintext bytes read so far.</summary>
    public long PlaintextSize { get; private set; }

    /// <summary>The plaintext's MD5, once the body has been read to its end.</summary>
    public byte[] PlaintextMd5 => _hash ??= _md5.GetHashAndReset();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        if (buffer.Length == 0)
            return 0;
        var total = 0;
        while (buffer.Length > 0)
        {
            if (_sealedStart < _sealedEnd)
            {
                var n = Math.Min(buffer.Length, _sealedEnd - _sealedStart);
                _sealed.AsMemory(_sealedStart, n).CopyTo(buffer);
                _sealedStart += n;
                buffer = buffer[n..];
                total += n;
                continue;
            }
            if (_ended)
                break;
            var read = await _plain.ReadAtLeastAsync(_plainChunk, _plainChunk.Length, throwOnEndOfStream: false, ct);
            if (read < _plainChunk.Length)
                _ended = true;
            if (read == 0)
                break;
            PlaintextSize += read;
            if (PlaintextSize > _maxBytes)
                throw new BodyTooLargeException(_maxBytes);
            _md5.AppendData(_plainChunk.AsSpan(0, read));
            var stored = read + ChunkedAesGcm.TagSize;
            // A caller with room for the whole sealed chunk gets it directly, without the copy through our buffer.
            if (buffer.Length >= stored)
            {
                ChunkedAesGcm.Seal(_aes, _prefix, _chunk++, _plainChunk.AsSpan(0, read), buffer.Span[..stored]);
                buffer = buffer[stored..];
                total += stored;
            }
            else
            {
                ChunkedAesGcm.Seal(_aes, _prefix, _chunk++, _plainChunk.AsSpan(0, read), _sealed);
                (_sealedStart, _sealedEnd) = (0, stored);
            }
            // Return what we have once a chunk is out: the writer asks again.
            if (total > 0)
                break;
        }
        return total;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aes.Dispose();
            _md5.Dispose();
        }
        base.Dispose(disposing);
    }
}
