namespace Ironbark.Walrus.Encryption;

/// <summary>
/// One run of bytes sealed under one data key: a whole single-PUT object, or one part of a multipart object (each
/// part has a data key of its own). <see cref="Size"/> is the plaintext size; the wrapped key is what
/// <see cref="ObjectEncryption.Mode"/> says (the master key's, the key service's ciphertext blob, or the customer key's).
/// </summary>
public sealed record DataKeySegment(long Size, string WrappedKey, string NoncePrefix)
{
    public long StoredSize => ChunkedAesGcm.StoredSize(Size);
}
