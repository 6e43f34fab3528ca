using System.Text.Json;

namespace Ironbark.Clc.Api;

/// <summary>
/// The JSON body of a KMS request (awsJson1.1), read member by member as KMS validates it: a member of the wrong JSON
/// type is a SerializationException, a missing required one or a value out of range a ValidationException.
/// </summary>
public sealed class KmsRequest(JsonElement body)
{
    public static KmsRequest Parse(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
            return new KmsRequest(JsonDocument.Parse("{}").RootElement);
        try
        {
            var document = JsonDocument.Parse(json.ToArray());
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? new KmsRequest(document.RootElement)
                : throw new KmsException("SerializationException", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new KmsException("SerializationException", $"The request body is not valid JSON: {e.Message}");
        }
    }

    public string? String(string name) => Member(name, JsonValueKind.String)?.GetString();

    public string RequiredString(string name) =>
        String(name) is { Length: > 0 } value ? value : throw Missing(name);

    public int? Int(string name) =>
        Member(name, JsonValueKind.Number) is { } value
            ? value.TryGetInt32(out var number) ? number : throw new KmsException("SerializationException", $"{name} must be an integer.")
            : null;

    public byte[]? Blob(string name)
    {
        if (String(name) is not { } text)
            return null;
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw new KmsException("SerializationException", $"{name} is not valid base64.");
        }
    }

    public byte[] RequiredBlob(string name) => Blob(name) is { Length: > 0 } value ? value : throw Missing(name);

    /// <summary>The EncryptionContext map (string to string), empty when the request has none.</summary>
    public IReadOnlyDictionary<string, string> Context(string name = "EncryptionContext")
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Member(name, JsonValueKind.Object) is not { } map)
            return context;
        foreach (var pair in map.EnumerateObject())
        {
            if (pair.Value.ValueKind != JsonValueKind.String)
                throw new KmsException("SerializationException", $"The values of {name} must be strings.");
            if (pair.Name.Length == 0)
                throw new KmsException("ValidationException", $"The keys of {name} must not be empty.");
            context[pair.Name] = pair.Value.GetString()!;
        }
        return context;
    }

    private JsonElement? Member(string name, JsonValueKind kind)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        return value.ValueKind == kind
            ? value
            : throw new KmsException("SerializationException", $"{name} must be a JSON {kind.ToString().ToLowerInvariant()}.");
    }

    private static KmsException Missing(string name) =>
        new("ValidationException", $"1 validation error detected: Value null at '{char.ToLowerInvariant(name[0])}{name[1..]}' failed to satisfy constraint: Member must not be null");
}
