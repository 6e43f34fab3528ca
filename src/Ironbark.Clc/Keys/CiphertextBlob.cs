using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Clc.Keys;

/// <summary>
/// The ciphertext blobs the key service hands out: a version byte and the key's id (so Decrypt needs no key id), then
/// an AES-256-GCM nonce, tag and ciphertext under the key's material. The header and the encryption context are the
/// associated data, so a blob moved to another key, or opened with another context, does not decrypt.
/// </summary>
public static class CiphertextBlob
{
    private const byte Version = 1;
    private const int HeaderSize = 1 + 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public static byte[] Seal(string keyId, byte[] material, ReadOnlySpan<byte> plaintext, IReadOnlyDictionary<string, string> context)
    {
        var blob = new byte[HeaderSize + NonceSize + TagSize + plaintext.Length];
        blob[0] = Version;
        Guid.Parse(keyId).TryWriteBytes(blob.AsSpan(1, 16), bigEndian: true, out _);
        RandomNumberGenerator.Fill(blob.AsSpan(HeaderSize, NonceSize));
        using var aes = new AesGcm(material, TagSize);
        aes.Encrypt(blob.AsSpan(HeaderSize, NonceSize), plaintext, blob.AsSpan(HeaderSize + NonceSize + TagSize),
            blob.AsSpan(HeaderSize + NonceSize, TagSize), AssociatedData(blob, context));
        return blob;
    }

    /// <summary>The id of the key a blob was sealed under; null when it is not a blob of this service.</summary>
    public static string? KeyIdOf(byte[] blob) =>
        blob.Length >= HeaderSize + NonceSize + TagSize && blob[0] == Version
            ? new Guid(blob.AsSpan(1, 16), bigEndian: true).ToString("D")
            : null;

    /// <summary>The plaintext, or null when the blob was not sealed under this material with this context.</summary>
    public static byte[]? Open(byte[] blob, byte[] material, IReadOnlyDictionary<string, string> context)
    {
        var plaintext = new byte[blob.Length - HeaderSize - NonceSize - TagSize];
        try
        {
            using var aes = new AesGcm(material, TagSize);
            aes.Decrypt(blob.AsSpan(HeaderSize, NonceSize), blob.AsSpan(HeaderSize + NonceSize + TagSize),
                blob.AsSpan(HeaderSize + NonceSize, TagSize), plaintext, AssociatedData(blob, context));
            return plaintext;
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    /// <summary>The header, then each context pair in ordinal key order, each string length-prefixed (so no two contexts encode alike).</summary>
    private static byte[] AssociatedData(byte[] blob, IReadOnlyDictionary<string, string> context)
    {
        using var output = new MemoryStream();
        output.Write(blob, 0, HeaderSize);
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, value) in context.OrderBy(p => p.Key, StringComparer.Ordinal))
            foreach (var text in (ReadOnlySpan<string>)[key, value])
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
                output.Write(length);
                output.Write(bytes);
            }
        return output.ToArray();
    }
}
