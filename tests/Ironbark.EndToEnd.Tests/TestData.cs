using System.Security.Cryptography;

namespace Ironbark.EndToEnd.Tests;

/// <summary>Names and bodies no other test uses.</summary>
public static class TestData
{
    public static string BucketName(string hint) => $"{hint}-{Guid.NewGuid():N}"[..Math.Min(63, hint.Length + 17)];

    public static byte[] RandomBytes(int size)
    {
        var bytes = new byte[size];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public static string Md5Hex(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));

    public static async Task<string> Md5HexAsync(Stream stream) => Convert.ToHexStringLower(await MD5.HashDataAsync(stream));
}
