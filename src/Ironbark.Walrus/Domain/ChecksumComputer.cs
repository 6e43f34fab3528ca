namespace Ironbark.Walrus.Domain;

/// <summary>Computes a checksum over stored bytes (a copy's source, a part copied in), base64 as S3 writes it.</summary>
public static class ChecksumComputer
{
    public static async Task<string> ComputeAsync(ChecksumAlgorithm algorithm, Stream bytes, CancellationToken ct)
    {
        using var hasher = algorithm.NewHasher();
        var buffer = new byte[81920];
        int read;
        while ((read = await bytes.ReadAsync(buffer, ct)) > 0)
            hasher.Append(buffer.AsSpan(0, read));
        return Convert.ToBase64String(hasher.Finish());
    }
}
