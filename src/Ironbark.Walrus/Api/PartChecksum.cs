using System.Xml.Linq;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>A part's checksum: what UploadPart must verify or compute, and what a CompleteMultipartUpload body claims.</summary>
public static class PartChecksum
{
    /// <summary>
    /// The part's declaration against its upload's algorithm: another algorithm is refused as S3 does; none sent is the
    /// upload's, computed over the bytes (S3 computes it too), so that Complete has every part's checksum.
    /// </summary>
    public static DeclaredChecksum Declared(DeclaredChecksum declared, UploadRow upload)
    {
        if (UploadChecksum.Parse(upload.Checksum) is not { } asked)
            return declared;
        if (declared.Algorithm is null)
            return declared with { Algorithm = asked.AlgorithmOf };
        if (declared.Algorithm.Name != asked.Algorithm)
            throw S3Errors.InvalidRequest($"Checksum Type mismatch occurred, expected checksum Type: {asked.Algorithm.ToLowerInvariant()}, actual checksum Type: {declared.Algorithm.Name.ToLowerInvariant()}");
        return declared;
    }

    /// <summary>The whole object's checksum a CompleteMultipartUpload may send in an x-amz-checksum-&lt;alg&gt; header.</summary>
    public static MultipartChecksum.Claim? ClaimedWhole(S3Request r) =>
        ChecksumAlgorithm.All.FirstOrDefault(a => r.Header(a.HeaderName) is not null) is { } algorithm
            ? new MultipartChecksum.Claim("Checksum" + algorithm.Name, r.Header(algorithm.HeaderName)!)
            : null;

    /// <summary>The Checksum&lt;ALG&gt; element of a Part in a CompleteMultipartUpload body, if it has one.</summary>
    public static MultipartChecksum.Claim? Claimed(XElement part) =>
        part.Elements().FirstOrDefault(e => e.Name.LocalName.StartsWith("Checksum", StringComparison.Ordinal)
            && ChecksumAlgorithm.FromName(e.Name.LocalName["Checksum".Length..]) is not null) is { } e
            ? new MultipartChecksum.Claim(e.Name.LocalName, e.Value)
            : null;
}
