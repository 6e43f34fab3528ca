using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The checksum a multipart upload asked for at CreateMultipartUpload (uploads.checksum): the algorithm and whether the
/// completed object's checksum is COMPOSITE (a checksum of the parts' checksums) or FULL_OBJECT (of all the bytes).
/// </summary>
public sealed record UploadChecksum(string Algorithm, string Type)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ChecksumAlgorithm AlgorithmOf => ChecksumAlgorithm.FromName(Algorithm)!;

    public static UploadChecksum? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<UploadChecksum>(json, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// Reads x-amz-checksum-algorithm and x-amz-checksum-type as S3 does: FULL_OBJECT only for the CRCs (they combine),
    /// COMPOSITE not for CRC64NVME; without a type CRC64NVME is FULL_OBJECT and the others COMPOSITE.
    /// </summary>
    public static UploadChecksum? FromHeaders(string? algorithmHeader, string? typeHeader)
    {
        if (algorithmHeader is null)
            return typeHeader is null ? null
                : throw S3Errors.InvalidRequest("The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
        var algorithm = ChecksumAlgorithm.FromName(algorithmHeader) ?? throw ChecksumErrors.UnsupportedAlgorithm();
        var type = typeHeader?.Trim().ToUpperInvariant() switch
        {
            null => algorithm == ChecksumAlgorithm.Crc64Nvme ? StoredChecksum.FullObject : StoredChecksum.Composite,
            StoredChecksum.FullObject or StoredChecksum.Composite => typeHeader.Trim().ToUpperInvariant(),
            _ => throw S3Errors.InvalidRequest("Value for x-amz-checksum-type header is invalid."),
        };
        if (type == StoredChecksum.FullObject && !CrcCombination.Combines(algorithm)
            || type == StoredChecksum.Composite && algorithm == ChecksumAlgorithm.Crc64Nvme)
            throw S3Errors.InvalidRequest(
                $"The {type} checksum type cannot be used with the {algorithm.Name.ToLowerInvariant()} checksum algorithm.");
        return new UploadChecksum(algorithm.Name, type);
    }
}
