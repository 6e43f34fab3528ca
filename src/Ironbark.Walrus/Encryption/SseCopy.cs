using Ironbark.Walrus.Backends;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// The encryption side of a copy (CopyObject, UploadPartCopy): the source's plaintext (decrypted, seekable; null for a
/// source that is not encrypted), the target's new encryption (null: stored plain), and whether the request named an
/// encryption (a copy onto itself that changes only its encryption is allowed).
/// </summary>
public sealed record SseCopy(Stream? PlainSource, EncryptionPlan? Target, bool Asked)
{
    /// <summary>Copies <paramref name="length"/> bytes from <paramref name="offset"/> of a plaintext stream through <paramref name="write"/>.</summary>
    public static async Task<StoredBlob> CopyAsync(Stream plain, bool owned, long offset, long length,
        Func<Stream, CancellationToken, Task<StoredBlob>> write, CancellationToken ct)
    {
        try
        {
            plain.Seek(offset, SeekOrigin.Begin);
            var blob = await write(new BoundedReadStream(plain, length), ct);
            // A source that reads short (a damaged disk) must fail the copy, not make a shorter object under the source's size.
            if (blob.Size != length)
                throw new IOException($"The copy source ended before byte {offset + length}.");
            return blob;
        }
        finally
        {
            if (owned)
                await plain.DisposeAsync();
        }
    }
}
