using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// The headers stored with an object and returned on GET/HEAD: the standard content headers and
/// the user metadata (x-amz-meta-*).
/// </summary>
public static class ObjectHeaders
{
    public static readonly string[] Standard =
        ["Content-Type", "Content-Disposition", "Content-Encoding", "Content-Language", "Cache-Control", "Expires", "x-amz-website-redirect-location", "x-amz-storage-class"];

    private const int MaxUserMetadataBytes = 2048;

    /// <summary>Picks the headers to store from a request; aws-chunked is a transfer detail and is dropped.</summary>
    public static Dictionary<string, string> FromRequest(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var userBytes = 0;
        foreach (var (name, value) in headers)
        {
            if (name.StartsWith("x-amz-meta-", StringComparison.OrdinalIgnoreCase))
            {
                var lower = name.ToLowerInvariant();
                result[lower] = value;
                userBytes += lower.Length - "x-amz-meta-".Length + System.Text.Encoding.UTF8.GetByteCount(value);
            }
            else if (Standard.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                var stored = name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)
                    ? string.Join(',', value.Split(',', StringSplitOptions.TrimEntries).Where(e => e.Length > 0 && e != "aws-chunked"))
                    : value;
                if (stored.Length > 0)
                    result[Standard.First(s => s.Equals(name, StringComparison.OrdinalIgnoreCase))] = stored;
            }
        }
        if (userBytes > MaxUserMetadataBytes)
            throw S3Errors.MetadataTooLarge();
        if (!result.ContainsKey("Content-Type"))
            result["Content-Type"] = "binary/octet-stream";
        return result;
    }

    public static string ToJson(Dictionary<string, string> headers) => JsonSerializer.Serialize(headers);

    public static Dictionary<string, string> FromJson(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [], StringComparer.OrdinalIgnoreCase);
}
