using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>Tags of an object (at most 10) or a bucket (at most 50), validated as S3 does, stored as JSON.</summary>
public static class TagSet
{
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;

    /// <summary>Checks an object's tag set (AWS: BadRequest past 10 tags); returns its JSON, null for no tags.</summary>
    public static string? ValidateObjectTags(IReadOnlyList<KeyValuePair<string, string>> tags) =>
        tags.Count > MaxObjectTags ? throw new WalrusException("BadRequest", 400, $"Object tags cannot be greater than {MaxObjectTags}") : Validate(tags);

    /// <summary>Checks a bucket's tag set (AWS: InvalidTag past 50 tags); returns its JSON, null for no tags.</summary>
    public static string? ValidateBucketTags(IReadOnlyList<KeyValuePair<string, string>> tags) =>
        tags.Count > MaxBucketTags ? throw new WalrusException("InvalidTag", 400, $"Bucket tag count cannot be greater than {MaxBucketTags}") : Validate(tags);

    private static string? Validate(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (tags.Count == 0)
            return null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            // AWS counts Unicode characters, so a character outside the BMP (two UTF-16 units) counts once.
            if (key.Length == 0 || key.EnumerateRunes().Count() > 128)
                throw new WalrusException("InvalidTag", 400, "The TagKey you have provided is invalid");
            if (value.EnumerateRunes().Count() > 256)
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
        header is null ? null : ValidateObjectTags(Ironbark.Common.Auth.SigV4.ParseQuery(header));

    public static IReadOnlyList<KeyValuePair<string, string>> Read(string? json) =>
        json is null ? [] : (JsonSerializer.Deserialize<string[][]>(json) ?? []).Select(t => new KeyValuePair<string, string>(t[0], t[1])).ToList();
}
