using System.IO.Hashing;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Tests;

/// <summary>The CRC of joined byte strings from the CRCs of the pieces (FULL_OBJECT checksums of multipart uploads).</summary>
public sealed class CrcCombinationTests
{
    public static TheoryData<string> Crcs() => ["CRC32", "CRC32C", "CRC64NVME"];

    [Fact]
    public void The_crc64nvme_check_value_of_123456789_is_the_standard_one() =>
        Assert.Equal(0xAE8B14860A799888UL, Crc64.HashToUInt64(Crc64ParameterSet.Nvme, "123456789"u8));

    [Theory]
    [MemberData(nameof(Crcs))]
    public void Combined_part_crcs_are_the_crc_of_the_whole(string name)
    {
        var algorithm = ChecksumAlgorithm.FromName(name)!;
        var data = Enumerable.Range(0, 70001).Select(i => (byte)(i * 131 + i / 7)).ToArray();
        foreach (var cuts in new[] { new[] { 1 }, [5000, 5001], [0, 70000], [7, 30000, 65536, 70000] })
        {
            var bounds = cuts.Prepend(0).Append(data.Length).ToArray();
            var crc = Digest(algorithm, data[bounds[0]..bounds[1]]);
            for (var i = 1; i < bounds.Length - 1; i++)
                crc = CrcCombination.Combine(algorithm, crc, Digest(algorithm, data[bounds[i]..bounds[i + 1]]), bounds[i + 1] - bounds[i]);
            Assert.Equal(Digest(algorithm, data), crc);
        }
        Assert.False(CrcCombination.Combines(ChecksumAlgorithm.Sha256));
    }

    private static byte[] Digest(ChecksumAlgorithm algorithm, byte[] data)
    {
        using var hasher = algorithm.NewHasher();
        hasher.Append(data);
        return hasher.Finish();
    }
}
