namespace Ironbark.Walrus.Domain;

/// <summary>The errors S3 answers for additional checksums (x-amz-checksum-*, x-amz-trailer), with its codes and messages.</summary>
public static class ChecksumErrors
{
    public static WalrusException Mismatch(ChecksumAlgorithm algorithm) =>
        new("BadDigest", 400, $"The {algorithm.Name} you specified did not match the calculated checksum.");
    public static WalrusException InvalidValue(string header) => S3Errors.InvalidRequest($"Value for {header} header is invalid.");
    public static WalrusException UnknownAlgorithm() =>
        S3Errors.InvalidRequest("The algorithm type you specified in x-amz-checksum- header is invalid.");
    public static WalrusException MoreThanOne() =>
        S3Errors.InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
    public static WalrusException UnsupportedTrailer() =>
        S3Errors.InvalidRequest("The value specified in the x-amz-trailer header is not supported");
    public static WalrusException InvalidSdkAlgorithm() =>
        S3Errors.InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.");
    public static WalrusException SdkAlgorithmWithoutChecksum() =>
        S3Errors.InvalidRequest("x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.");
    public static WalrusException UnsupportedAlgorithm() =>
        S3Errors.InvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
    /// <summary>Trailers that are not the ones x-amz-trailer declared (one missing, one extra), as S3 answers them.</summary>
    public static WalrusException MalformedTrailer() =>
        new("MalformedTrailerError", 400, "The request contained trailing data that was not well-formed or did not conform to our published schema.");
}
