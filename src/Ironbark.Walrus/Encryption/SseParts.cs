namespace Ironbark.Walrus.Encryption;

/// <summary>The encryption of a completed multipart object: the upload's settings and each chosen part's data key, in order.</summary>
public static class SseParts
{
    public static string? Completed(string? uploadEncryption, IReadOnlyList<string?> partEncryptions)
    {
        if (ObjectEncryption.FromJson(uploadEncryption) is not { } settings)
            return null;
        var segments = new List<DataKeySegment>();
        foreach (var part in partEncryptions)
            segments.AddRange((ObjectEncryption.FromJson(part) ?? throw new InvalidOperationException("An encrypted upload has a part stored plain.")).Segments);
        return (settings with { Segments = segments }).ToJson();
    }
}
