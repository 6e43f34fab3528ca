using System.Text.Json;

namespace Ironbark.Walrus.Domain;

/// <summary>
/// A checksum kept with an object or a part (objects.checksum, parts.checksum): the algorithm's name, the base64
/// value as S3 returns it (a composite one ends in "-N") and its type, FULL_OBJECT or COMPOSITE.
/// </summary>
public sealed record StoredChecksum(string Algorithm, string Value, string Type)
{
    public const string FullObject = "FULL_OBJECT";
    public const string Composite = "COMPOSITE";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ChecksumAlgorithm? AlgorithmOf => ChecksumAlgorithm.FromName(Algorithm);

    public static StoredChecksum? Parse(string? json) => json is null ? null : JsonSerializer.Deserialize<StoredChecksum>(json, Json);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The element name S3 uses for the value in XML answers: "ChecksumCRC32".</summary>
    public string ElementName => "Checksum" + Algorithm;
}
