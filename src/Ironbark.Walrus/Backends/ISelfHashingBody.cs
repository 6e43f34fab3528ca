namespace Ironbark.Walrus.Backends;

/// <summary>
/// A body that computes the digest its blob is known by itself (an encrypting stream hashes the plaintext, not the
/// ciphertext the blob holds): the blob store does not hash it a second time, and its <see cref="StoredBlob.Md5"/> is empty.
/// </summary>
public interface ISelfHashingBody;
