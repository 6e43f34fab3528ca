using System.Security.Cryptography;
using Ironbark.Walrus.Backends;

namespace Ironbark.Walrus.Encryption;

/// <summary>
/// The encryption of one write about to happen: a fresh data key (plaintext held only for the write, wrapped for the
/// metadata) and the settings it is made under. The write's bytes go through <see cref="WriteAsync"/> or
/// <see cref="SealInline"/>; <see cref="ToJson"/> is then the encryption column of the row that names them.
/// </summary>
public sealed class EncryptionPlan(ObjectEncryption settings, byte[] dataKey, string wrappedKey)
{
    private readonly byte[] _prefix = RandomNumberGenerator.GetBytes(ChunkedAesGcm.NoncePrefixSize);

    public ObjectEncryption Settings { get; } = settings.WithoutSegments();

    /// <summary>
    /// Streams <paramref name="body"/> encrypted into a new blob. The blob answered carries the plaintext's size and
    /// MD5 (what the object's Content-Length and ETag are); the stored file is <see cref="ChunkedAesGcm.StoredSize"/> long.
    /// </summary>
    public async Task<StoredBlob> WriteAsync(IObjectStore blobs, Stream body, long maxBytes, CancellationToken ct)
    {
        await using var sealing = new EncryptingStream(body, dataKey, _prefix, maxBytes);
        var blob = await blobs.WriteAsync(sealing, long.MaxValue, ct);
        if (blob.Size != ChunkedAesGcm.StoredSize(sealing.PlaintextSize))
        {
            blobs.Delete(blob.Id);
            throw new IOException($"Blob {blob.Id} holds {blob.Size} bytes, not the {ChunkedAesGcm.StoredSize(sealing.PlaintextSize)} it was sent.");
        }
        return new StoredBlob(blob.Id, sealing.PlaintextSize, sealing.PlaintextMd5);
    }

    /// <summary>The stored form of an inline (small) object's bytes.</summary>
    public byte[] SealInline(byte[] plaintext) => ChunkedAesGcm.SealAll(dataKey, _prefix, plaintext);

    /// <summary>The encryption column for <paramref name="plaintextSize"/> bytes written with this plan.</summary>
    public string ToJson(long plaintextSize) =>
        (Settings with { Segments = [new DataKeySegment(plaintextSize, wrappedKey, Convert.ToBase64String(_prefix))] }).ToJson();
}
