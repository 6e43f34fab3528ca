using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// The at-rest format of an encrypted object (or part): the plaintext cut into chunks of <see cref="ChunkSize"/> bytes
/// (the last one shorter), each sealed with AES-256-GCM under the object's data key and stored as ciphertext followed
/// by its 16-byte tag. Chunk i's nonce is the object's 4-byte random prefix and i as 8 big-endian bytes, so a chunk
/// moved to another place (or another object) fails its tag; the chunk count follows from the plaintext size kept in
/// the metadata, so a truncated blob is detected too. A range read decrypts only the chunks it touches.
/// </summary>
public static class ChunkedAesGcm
{
    public const int ChunkSize = 64 * 1024;
    public const int TagSize = 16;
    public const int NoncePrefixSize = 4;
    public const int KeySize = 32;
    public const int StoredChunkSize = ChunkSize + TagSize;

    /// <summary>The stored (ciphertext) size of <paramref name="plaintextSize"/> bytes.</summary>
    public static long StoredSize(long plaintextSize) => plaintextSize + (plaintextSize + ChunkSize - 1) / ChunkSize * TagSize;

    public static void Nonce(ReadOnlySpan<byte> prefix, long chunk, Span<byte> nonce)
    {
        prefix.CopyTo(nonce);
        BinaryPrimitives.WriteInt64BigEndian(nonce[NoncePrefixSize..], chunk);
    }

    /// <summary>Seals one chunk: <paramref name="output"/> gets the ciphertext then the tag (plaintext length + 16 bytes).</summary>
    public static void Seal(AesGcm aes, ReadOnlySpan<byte> prefix, long chunk, ReadOnlySpan<byte> plaintext, Span<byte> output)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(prefix, chunk, nonce);
        aes.Encrypt(nonce, plaintext, output[..plaintext.Length], output.Slice(plaintext.Length, TagSize));
    }

    /// <summary>Opens one stored chunk (ciphertext then tag) into <paramref name="plaintext"/>; a damaged or misplaced chunk throws.</summary>
    public static void Open(AesGcm aes, ReadOnlySpan<byte> prefix, long chunk, ReadOnlySpan<byte> stored, Span<byte> plaintext)
    {
        Span<byte> nonce = stackalloc byte[12];
        Nonce(prefix, chunk, nonce);
        var length = stored.Length - TagSize;
        try
        {
            aes.Decrypt(nonce, stored[..length], stored[length..], plaintext[..length]);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new IOException($"Encrypted chunk {chunk} is damaged or out of place (its authentication tag does not match).", e);
        }
    }

    /// <summary>Encrypts a whole small object in memory (an inline object's bytes).</summary>
    public static byte[] SealAll(byte[] key, ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> plaintext)
    {
        var output = new byte[StoredSize(plaintext.Length)];
        using var aes = new AesGcm(key, TagSize);
        long chunk = 0;
        for (int from = 0, to = 0; from < plaintext.Length; from += ChunkSize, to += StoredChunkSize, chunk++)
        {
            var length = Math.Min(ChunkSize, plaintext.Length - from);
            Seal(aes, prefix, chunk, plaintext.Slice(from, length), output.AsSpan(to, length + TagSize));
        }
        return output;
    }
}
