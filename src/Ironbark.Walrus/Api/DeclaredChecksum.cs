using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// What a PUT or UploadPart says about its body's additional checksum: at most one algorithm, its value from an
/// x-amz-checksum-* header (null when the value comes as a trailer), and the trailers x-amz-trailer announces.
/// </summary>
public sealed record DeclaredChecksum(ChecksumAlgorithm? Algorithm, byte[]? HeaderValue, IReadOnlyList<string> Trailers)
{
    /// <summary>Headers named x-amz-checksum-* that carry no checksum value (they ask for one or describe one).</summary>
    private static readonly string[] NotValues = ["x-amz-checksum-mode", "x-amz-checksum-type", "x-amz-checksum-algorithm"];

    /// <summary>Reads and checks the request's checksum headers, answering as S3 does before any byte is read.</summary>
    public static DeclaredChecksum FromRequest(S3Request r)
    {
        ChecksumAlgorithm? algorithm = null;
        string? value = null;
        var count = 0;
        foreach (var (name, values) in r.Request.Headers)
        {
            if (!name.StartsWith(ChecksumAlgorithm.HeaderPrefix, StringComparison.OrdinalIgnoreCase)
                || NotValues.Contains(name, StringComparer.OrdinalIgnoreCase))
                continue;
            algorithm = ChecksumAlgorithm.FromHeader(name) ?? throw ChecksumErrors.UnknownAlgorithm();
            count += values.Count;
            value = values.ToString();
        }
        var trailers = (r.Header("x-amz-trailer") ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (var trailer in trailers)
        {
            algorithm = ChecksumAlgorithm.FromHeader(trailer) ?? throw ChecksumErrors.UnsupportedTrailer();
            count++;
        }
        if (count > 1)
            throw ChecksumErrors.MoreThanOne();
        if (r.Header("x-amz-sdk-checksum-algorithm") is { } sdk)
        {
            var named = ChecksumAlgorithm.FromName(sdk) ?? throw ChecksumErrors.InvalidSdkAlgorithm();
            if (algorithm is null)
                throw ChecksumErrors.SdkAlgorithmWithoutChecksum();
            if (named != algorithm)
                throw ChecksumErrors.InvalidSdkAlgorithm();
        }
        byte[]? headerValue = null;
        if (algorithm is not null && trailers.Length == 0)
            headerValue = algorithm.Decode(value!) ?? throw ChecksumErrors.InvalidValue(algorithm.HeaderName);
        return new DeclaredChecksum(algorithm, headerValue, trailers);
    }
}
