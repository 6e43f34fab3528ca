using System.IO.Hashing;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// An additional checksum algorithm S3 knows (x-amz-checksum-crc32, -crc32c, -crc64nvme, -sha1, -sha256, and the newer
/// -sha512, -md5, -xxhash64, -xxhash3, -xxhash128): its name,
/// the header that carries its value (base64 of the big-endian digest) and how to compute it.
/// </summary>
public sealed class ChecksumAlgorithm
{
    public static readonly ChecksumAlgorithm Crc32 = new("CRC32", 4, () => ChecksumHasher.OfCrc(new Crc32()));
    public static readonly ChecksumAlgorithm Crc32C = new("CRC32C", 4, () => ChecksumHasher.OfCrc(new Crc32(Crc32ParameterSet.Crc32C)));
    public static readonly ChecksumAlgorithm Crc64Nvme = new("CRC64NVME", 8, () => ChecksumHasher.OfCrc(new Crc64(Crc64ParameterSet.Nvme)));
    public static readonly ChecksumAlgorithm Sha1 = new("SHA1", 20, () => ChecksumHasher.Of(HashAlgorithmName.SHA1));
    public static readonly ChecksumAlgorithm Sha256 = new("SHA256", 32, () => ChecksumHasher.Of(HashAlgorithmName.SHA256));
    // The newer algorithms of S3's checksum list (and of the AWS SDKs that send them).
    public static readonly ChecksumAlgorithm Sha512 = new("SHA512", 64, () => ChecksumHasher.Of(HashAlgorithmName.SHA512));
    public static readonly ChecksumAlgorithm Md5 = new("MD5", 16, () => ChecksumHasher.Of(HashAlgorithmName.MD5));
    public static readonly ChecksumAlgorithm XxHash64 = new("XXHASH64", 8, () => ChecksumHasher.OfXxHash(new XxHash64()));
    public static readonly ChecksumAlgorithm XxHash3 = new("XXHASH3", 8, () => ChecksumHasher.OfXxHash(new XxHash3()));
    public static readonly ChecksumAlgorithm XxHash128 = new("XXHASH128", 16, () => ChecksumHasher.OfXxHash(new XxHash128()));

    public static IReadOnlyList<ChecksumAlgorithm> All { get; } = [Crc32, Crc32C, Crc64Nvme, Sha1, Sha256, Sha512, Md5, XxHash64, XxHash3, XxHash128];

    public const string HeaderPrefix = "x-amz-checksum-";

    private readonly Func<ChecksumHasher> _hasher;

    private ChecksumAlgorithm(string name, int digestBytes, Func<ChecksumHasher> hasher)
    {
        Name = name;
        DigestBytes = digestBytes;
        HeaderName = HeaderPrefix + name.ToLowerInvariant();
        _hasher = hasher;
    }

    /// <summary>The name as S3 writes it (x-amz-sdk-checksum-algorithm, error messages): "CRC32".</summary>
    public string Name { get; }

    public int DigestBytes { get; }

    /// <summary>The header (or trailer) that carries the value: "x-amz-checksum-crc32".</summary>
    public string HeaderName { get; }

    public ChecksumHasher NewHasher() => _hasher();

    /// <summary>The algorithm of a name as x-amz-sdk-checksum-algorithm gives it (any case); null if S3 does not know it.</summary>
    public static ChecksumAlgorithm? FromName(string name) =>
        All.FirstOrDefault(a => a.Name.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The algorithm of a header name such as x-amz-checksum-crc32 (any case); null if S3 does not know it.</summary>
    public static ChecksumAlgorithm? FromHeader(string header) =>
        All.FirstOrDefault(a => a.HeaderName.Equals(header.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The digest a base64 value stands for, or null when it is not base64 of a digest of this size.</summary>
    public byte[]? Decode(string value)
    {
        var digest = new byte[DigestBytes];
        return Convert.TryFromBase64String(value.Trim(), digest, out var written) && written == DigestBytes ? digest : null;
    }

    public override string ToString() => Name;
}
