namespace Ironbark.Common.Auth;

/// <summary>Computes the chained signatures of a streaming SigV4 upload, chunk after chunk.</summary>
public sealed class ChunkSigner(byte[] signingKey, string amzDate, string scope, string seedSignature)
{
    public string Previous { get; private set; } = seedSignature;

    public string NextChunk(string chunkSha256Hex) => Advance(
        $"AWS4-HMAC-SHA256-PAYLOAD\n{amzDate}\n{scope}\n{Previous}\n{SigV4.EmptySha256}\n{chunkSha256Hex}");

    public string Trailer(string canonicalTrailer) => Advance(
        $"AWS4-HMAC-SHA256-TRAILER\n{amzDate}\n{scope}\n{Previous}\n{SigV4.Sha256Hex(canonicalTrailer)}");

    private string Advance(string stringToSign)
    {
        Previous = SigV4.Sign(signingKey, stringToSign);
        return Previous;
    }
}
