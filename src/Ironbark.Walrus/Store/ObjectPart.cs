using System.Text.Json;

namespace Ironbark.Walrus.Store;

/// <summary>
/// One part of an object made by a multipart upload, as kept in <see cref="ObjectRow.Parts"/>: what GET ?partNumber,
/// GetObjectAttributes and decryption need after the upload's own rows are gone. Offsets follow from the sizes in order.
/// </summary>
public sealed record ObjectPart(int Number, long Size, string Etag, string? Checksum = null, string? Encryption = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IReadOnlyList<ObjectPart> ParseList(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<ObjectPart>>(json, Json) ?? [];

    public static string? ToJson(IReadOnlyList<ObjectPart> parts) => parts.Count == 0 ? null : JsonSerializer.Serialize(parts, Json);
}
