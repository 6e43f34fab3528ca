using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>Tags of an object (at most 10) or a bucket (at most 50), validated as S3 does, stored as JSON.</summary>
public static class TagSet
{
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;

    public static string? Validate(IReadOnlyList<KeyValuePair<string, string>> tags, int max)
    {
        if (tags.Count == 0)
            return null;
        if (tags.Count > max)
            throw new WalrusException("BadRequest", 400, $"Object tags cannot be greater than {max}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128)
                throw new WalrusException("InvalidTag", 400, "The TagKey you have provided is invalid");
            if (value.Length > 256)
                throw new WalrusException("InvalidTag", 400, "The TagValue you have provided is invalid");
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw new WalrusException("InvalidTag", 400, "System tags cannot be added/updated by requester");
            if (!seen.Add(key))
                throw new WalrusException("InvalidTag", 400, "Cannot provide multiple Tags with the same key");
        }
        return JsonSerializer.Serialize(tags.Select(t => new[] { t.Key, t.Value }));
    }

    /// <summary>Parses the x-amz-tagging header (URL query form: k1=v1&amp;k2=v2).</summary>
    public static string? FromHeader(string? header) =>
        header is null ? null : Validate(Ironbark.Common.Auth.SigV4.ParseQuery(header), MaxObjectTags);

    public static IReadOnlyList<KeyValuePair<string, string>> Read(string? json) =>
        json is null ? [] : (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(t => new KeyValuePair<string, string>(t[0], t[1])).ToList();
}
