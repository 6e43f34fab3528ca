using System.Security.Cryptography;
using System.Text;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// Walrus's own key for SSE-S3: 32 random bytes in <c>walrus-sse-s3.key</c> in the data directory (mode 0600,
/// created on first use), which wraps (AES-256-GCM) every SSE-S3 data key. Losing the file loses every SSE-S3
/// object; it belongs in the same backups as the data directory's other secrets.
/// </summary>
public sealed class MasterKey(WalrusOptions options)
{
    public const string FileName = "walrus-sse-s3.key";
    private static readonly byte[] Purpose = Encoding.ASCII.GetBytes("ironbark-walrus-sse-s3-data-key");
    private readonly Lazy<byte[]> _key = new(() => LoadOrCreate(Path.Combine(options.DataDir, FileName)));

    public string Path_ => Path.Combine(options.DataDir, FileName);

    /// <summary>nonce (12) | ciphertext (32) | tag (16), base64.</summary>
    public string Wrap(byte[] dataKey)
    {
        var output = new byte[12 + dataKey.Length + 16];
        RandomNumberGenerator.Fill(output.AsSpan(0, 12));
        using var aes = new AesGcm(_key.Value, 16);
        aes.Encrypt(output.AsSpan(0, 12), dataKey, output.AsSpan(12, dataKey.Length), output.AsSpan(12 + dataKey.Length), Purpose);
        return Convert.ToBase64String(output);
    }

    public byte[] Unwrap(string wrapped)
    {
        var input = Convert.FromBase64String(wrapped);
        var dataKey = new byte[input.Length - 28];
        using var aes = new AesGcm(_key.Value, 16);
        try
        {
            aes.Decrypt(input.AsSpan(0, 12), input.AsSpan(12, dataKey.Length), input.AsSpan(12 + dataKey.Length), dataKey, Purpose);
        }
        catch (AuthenticationTagMismatchException e)
        {
            throw new IOException($"An SSE-S3 data key does not open with the master key in {FileName} (was the file replaced?).", e);
        }
        return dataKey;
    }

    private static byte[] LoadOrCreate(string path)
    {
        if (!File.Exists(path))
        {
            var key = RandomNumberGenerator.GetBytes(ChunkedAesGcm.KeySize);
            var temp = path + ".tmp-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
            using (var file = new FileStream(temp, new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew, Access = FileAccess.Write,
                       UnixCreateMode = OperatingSystem.IsWindows() ? null : UnixFileMode.UserRead | UnixFileMode.UserWrite,
                   }))
            {
                file.Write(key);
                file.Flush(flushToDisk: true);
            }
            try
            {
                // Two first uses at once: the first rename wins and both read the winner's key.
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length != ChunkedAesGcm.KeySize)
            throw new IOException($"{path} holds {bytes.Length} bytes, not the {ChunkedAesGcm.KeySize} of an SSE-S3 master key.");
        return bytes;
    }
}
