using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The checksum of a CopyObject: with x-amz-checksum-algorithm, computed anew over the source's bytes; without, the
/// source's own (null here), as S3 copies it with the object.
/// </summary>
public static class CopyChecksum
{
    public static async Task<StoredChecksum?> ForAsync(S3Request r, ObjectRow source, ObjectService objects)
    {
        if (r.Header("x-amz-checksum-algorithm") is not { } name)
            return null;
        var algorithm = ChecksumAlgorithm.FromName(name) ?? throw ChecksumErrors.UnsupportedAlgorithm();
        await using var bytes = objects.OpenRead(source);
        return new StoredChecksum(algorithm.Name, await ChecksumComputer.ComputeAsync(algorithm, bytes, r.Aborted), StoredChecksum.FullObject);
    }
}
