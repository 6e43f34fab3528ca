using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Domain;

/// <summary>Computes one checksum over a body as it streams by; the digest is big-endian, as S3 writes it.</summary>
public sealed class ChecksumHasher : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _hash;

    private ChecksumHasher(NonCryptographicHashAlgorithm? crc, IncrementalHash? hash)
    {
        _crc = crc;
        _hash = hash;
    }

    public static ChecksumHasher Of(NonCryptographicHashAlgorithm crc) => new(crc, null);

    public static ChecksumHasher Of(HashAlgorithmName name) => new(null, IncrementalHash.CreateHash(name));

    public void Append(ReadOnlySpan<byte> data)
    {
        _crc?.Append(data);
        _hash?.AppendData(data);
    }

    public byte[] Finish()
    {
        if (_hash is not null)
            return _hash.GetHashAndReset();
        // System.IO.Hashing writes CRCs little-endian; S3's checksums are the big-endian digest.
        var digest = _crc!.GetHashAndReset();
        Array.Reverse(digest);
        return digest;
    }

    public void Dispose() => _hash?.Dispose();
}
