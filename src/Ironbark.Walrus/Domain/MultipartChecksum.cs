using System.Globalization;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The checksum and part list of a completed multipart upload: each part's checksum (stored at UploadPart, or computed
/// now for a part copied in), checked against the one the CompleteMultipartUpload body gives; then the object's
/// COMPOSITE checksum (of the parts' binary checksums, "-N") or FULL_OBJECT one (the parts' CRCs combined).
/// </summary>
public static class MultipartChecksum
{
    /// <summary>A part's checksum as the CompleteMultipartUpload body names it: its element (ChecksumCRC32) and value.</summary>
    public sealed record Claim(string Element, string Value);

    /// <param name="whole">The whole object's checksum from the request's x-amz-checksum-&lt;alg&gt; header, if it sent one.</param>
    public static async Task<(StoredChecksum? Checksum, List<ObjectPart> Parts)> CompleteAsync(UploadRow upload, IReadOnlyList<PartRow> chosen,
        IReadOnlyDictionary<int, Claim> claimed, Claim? whole, Func<PartRow, Task<Stream>> openPart, CancellationToken ct)
    {
        var asked = UploadChecksum.Parse(upload.Checksum);
        var parts = new List<ObjectPart>();
        var digests = new List<byte[]>();
        foreach (var part in chosen)
        {
            string? value = null;
            if (asked is not null)
            {
                var algorithm = asked.AlgorithmOf;
                value = StoredChecksum.Parse(part.Checksum) is { } stored && stored.Algorithm == asked.Algorithm ? stored.Value : null;
                if (value is null)
                {
                    await using var bytes = await openPart(part);
                    value = await ChecksumComputer.ComputeAsync(algorithm, bytes, ct);
                }
                if (claimed.TryGetValue(part.PartNumber, out var claim))
                {
                    if (claim.Element != "Checksum" + asked.Algorithm)
                        throw S3Errors.InvalidRequest($"Checksum Type mismatch occurred, expected checksum Type: {asked.Algorithm.ToLowerInvariant()}, actual checksum Type: {claim.Element["Checksum".Length..].ToLowerInvariant()}");
                    if (claim.Value.Trim() != value)
                        throw S3Errors.InvalidPart(part.PartNumber);
                }
                else if (asked.Type == StoredChecksum.Composite)
                    throw S3Errors.InvalidRequest($"The upload was created using a {asked.Algorithm.ToLowerInvariant()} checksum. The complete request must include the checksum for each part. It was missing for part {part.PartNumber} in the request.");
                digests.Add(Convert.FromBase64String(value));
            }
            parts.Add(new ObjectPart(part.PartNumber, part.Size, part.Etag, value));
        }
        var checksum = asked is null ? null : Of(asked, digests, chosen);
        // S3 refuses a whole-object checksum that does not match what the parts make (BadDigest).
        if (whole is not null && checksum is not null && whole.Element == "Checksum" + checksum.Algorithm && whole.Value.Trim() != checksum.Value)
            throw ChecksumErrors.Mismatch(asked!.AlgorithmOf);
        return (checksum, parts);
    }

    private static StoredChecksum Of(UploadChecksum asked, List<byte[]> digests, IReadOnlyList<PartRow> chosen)
    {
        var algorithm = asked.AlgorithmOf;
        if (asked.Type == StoredChecksum.FullObject)
        {
            var crc = digests[0];
            for (var i = 1; i < digests.Count; i++)
                crc = CrcCombination.Combine(algorithm, crc, digests[i], chosen[i].Size);
            return new StoredChecksum(asked.Algorithm, Convert.ToBase64String(crc), StoredChecksum.FullObject);
        }
        using var hasher = algorithm.NewHasher();
        foreach (var digest in digests)
            hasher.Append(digest);
        var value = Convert.ToBase64String(hasher.Finish()) + "-" + digests.Count.ToString(CultureInfo.InvariantCulture);
        return new StoredChecksum(asked.Algorithm, value, StoredChecksum.Composite);
    }
}
