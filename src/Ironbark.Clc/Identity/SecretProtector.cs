using System.Security.Cryptography;

namespace Ironbark.Clc.Identity;

/// <summary>
/// Encrypts secret access keys at rest with AES-256-GCM under a key file kept in the data
/// directory (mode 0600), so a copy of the database alone reveals no secret.
/// </summary>
public sealed class SecretProtector
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    private SecretProtector(byte[] key) => _key = key;

    public static SecretProtector LoadOrCreate(string keyFile)
    {
        if (File.Exists(keyFile))
        {
            var key = File.ReadAllBytes(keyFile);
            if (key.Length != 32)
                throw new InvalidOperationException($"The secret key file {keyFile} is damaged (expected 32 bytes).");
            return new SecretProtector(key);
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(keyFile))!);
        var fresh = RandomNumberGenerator.GetBytes(32);
        var temp = keyFile + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.Create, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        {
            stream.Write(fresh);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, keyFile, overwrite: false);
        return new SecretProtector(fresh);
    }

    public string Protect(string secret)
    {
        var plain = System.Text.Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize));
        return Convert.ToBase64String(output);
    }

    public string Unprotect(string protectedSecret)
    {
        var input = Convert.FromBase64String(protectedSecret);
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain);
        return System.Text.Encoding.UTF8.GetString(plain);
    }

    /// <summary>Encrypts <paramref name="plain"/> bound to <paramref name="associated"/> (e.g. the id of what it belongs to).</summary>
    public string Protect(ReadOnlySpan<byte> plain, ReadOnlySpan<byte> associated)
    {
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), associated);
        return Convert.ToBase64String(output);
    }

    /// <summary>The bytes <see cref="Protect(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> encrypted; throws CryptographicException when tampered with.</summary>
    public byte[] UnprotectBytes(string protectedValue, ReadOnlySpan<byte> associated)
    {
        var input = Convert.FromBase64String(protectedValue);
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain, associated);
        return plain;
    }
}
