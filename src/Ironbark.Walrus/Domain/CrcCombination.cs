namespace Ironbark.Walrus.Domain;

/// <summary>
/// The CRC of two byte strings joined, from the CRCs of each and the second one's length (zlib's crc32_combine, in
/// GF(2) for any reflected CRC with all-ones initial value and final XOR): how a FULL_OBJECT checksum of a multipart
/// upload follows from its parts' CRCs without reading the bytes again.
/// </summary>
public static class CrcCombination
{
    /// <summary>The reflected polynomial and width of each CRC S3 combines.</summary>
    private static (ulong Poly, int Width)? Parameters(ChecksumAlgorithm algorithm) =>
        algorithm == ChecksumAlgorithm.Crc32 ? (0xEDB88320UL, 32)
        : algorithm == ChecksumAlgorithm.Crc32C ? (0x82F63B78UL, 32)
        : algorithm == ChecksumAlgorithm.Crc64Nvme ? (0x9A6C9329AC4BC9B5UL, 64)
        : null;

    public static bool Combines(ChecksumAlgorithm algorithm) => Parameters(algorithm) is not null;

    /// <summary>The combined CRC, as big-endian digests (S3's form) in and out.</summary>
    public static byte[] Combine(ChecksumAlgorithm algorithm, byte[] first, byte[] second, long secondLength)
    {
        var (poly, width) = Parameters(algorithm) ?? throw new ArgumentException($"{algorithm} is not a CRC.", nameof(algorithm));
        var combined = Combine(poly, width, ToValue(first), ToValue(second), secondLength);
        var digest = new byte[width / 8];
        for (var i = digest.Length - 1; i >= 0; i--, combined >>= 8)
            digest[i] = (byte)combined;
        return digest;
    }

    private static ulong ToValue(byte[] bigEndian) => bigEndian.Aggregate(0UL, (v, b) => v << 8 | b);

    private static ulong Combine(ulong poly, int width, ulong crc1, ulong crc2, long length2)
    {
        if (length2 <= 0)
            return crc1;
        var odd = new ulong[width];
        var even = new ulong[width];
        // The operator for one zero bit, then squared to two and four.
        odd[0] = poly;
        ulong row = 1;
        for (var n = 1; n < width; n++, row <<= 1)
            odd[n] = row;
        Square(even, odd);
        Square(odd, even);
        // Applies len2 zero bytes to crc1, one bit of the length per squaring (the first square is one byte).
        do
        {
            Square(even, odd);
            if ((length2 & 1) != 0)
                crc1 = Times(even, crc1);
            length2 >>= 1;
            if (length2 == 0)
                break;
            Square(odd, even);
            if ((length2 & 1) != 0)
                crc1 = Times(odd, crc1);
            length2 >>= 1;
        } while (length2 != 0);
        return crc1 ^ crc2;
    }

    private static ulong Times(ulong[] matrix, ulong vector)
    {
        ulong sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
            if ((vector & 1) != 0)
                sum ^= matrix[i];
        return sum;
    }

    private static void Square(ulong[] square, ulong[] matrix)
    {
        for (var n = 0; n < matrix.Length; n++)
            square[n] = Times(matrix, matrix[n]);
    }
}
