using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Domain;

/// <summary>Computes one checksum over a body as it streams by; the digest is big-endian, as S3 writes it.</summary>
public sealed class ChecksumHasher : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _fast;
    private readonly bool _littleEndian;
    private readonly IncrementalHash? _hash;

    private ChecksumHasher(NonCryptographicHashAlgorithm? fast, bool littleEndian, IncrementalHash? hash)
    {
        _fast = fast;
        _littleEndian = littleEndian;
        _hash = hash;
    }

    /// <summary>System.IO.Hashing writes CRCs little-endian; S3's checksums are the big-endian digest.</summary>
    public static ChecksumHasher OfCrc(NonCryptographicHashAlgorithm crc) => new(crc, true, null);

    /// <summary>xxHash digests come from System.IO.Hashing in their canonical, big-endian form already.</summary>
    public static ChecksumHasher OfXxHash(NonCryptographicHashAlgorithm xxHash) => new(xxHash, false, null);

    public static ChecksumHasher Of(HashAlgorithmName name) => new(null, false, IncrementalHash.CreateHash(name));

    public void Append(ReadOnlySpan<byte> data)
    {
        _fast?.Append(data);
        _hash?.AppendData(data);
    }

    public byte[] Finish()
    {
        if (_hash is not null)
            return _hash.GetHashAndReset();
        var digest = _fast!.GetHashAndReset();
        if (_littleEndian)
            Array.Reverse(digest);
        return digest;
    }

    public void Dispose() => _hash?.Dispose();
}
