using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The checksum of a CopyObject: with x-amz-checksum-algorithm, computed anew over the source's bytes; without, the
/// source's own (null here), as S3 copies it with the object. <c>openPlain</c> opens the source's plaintext (decrypted
/// when the source is encrypted).
/// </summary>
public static class CopyChecksum
{
    public static async Task<StoredChecksum?> ForAsync(S3Request r, Func<Task<Stream>> openPlain)
    {
        if (r.Header("x-amz-checksum-algorithm") is not { } name)
            return null;
        var algorithm = ChecksumAlgorithm.FromName(name) ?? throw ChecksumErrors.UnsupportedAlgorithm();
        await using var bytes = await openPlain();
        return new StoredChecksum(algorithm.Name, await ChecksumComputer.ComputeAsync(algorithm, bytes, r.Aborted), StoredChecksum.FullObject);
    }
}
