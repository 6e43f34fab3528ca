using System.Text.Json;
using System.Xml.Linq;

namespace Ironbark.Walrus.Domain;

/// <summary>A bucket's Block Public Access settings, stored as JSON in buckets.public_access_block.</summary>
public sealed record PublicAccessBlock(bool BlockPublicAcls, bool IgnorePublicAcls, bool BlockPublicPolicy, bool RestrictPublicBuckets)
{
    public static readonly PublicAccessBlock None = new(false, false, false, false);

    public static PublicAccessBlock FromJson(string? json) => json is null ? None : JsonSerializer.Deserialize<PublicAccessBlock>(json) ?? None;

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Reads a PublicAccessBlockConfiguration document; an unknown element or a value other than true/false is MalformedXML.</summary>
    public static PublicAccessBlock FromXml(XElement root)
    {
        if (root.Name.LocalName != "PublicAccessBlockConfiguration")
            throw Malformed();
        var values = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var e in root.Elements())
        {
            var name = e.Name.LocalName;
            if (name is not ("BlockPublicAcls" or "IgnorePublicAcls" or "BlockPublicPolicy" or "RestrictPublicBuckets") || values.ContainsKey(name))
                throw Malformed();
            values[name] = e.Value.Trim() switch { "true" or "TRUE" or "True" => true, "false" or "FALSE" or "False" => false, _ => throw Malformed() };
        }
        bool Get(string n) => values.TryGetValue(n, out var v) && v;
        return new PublicAccessBlock(Get("BlockPublicAcls"), Get("IgnorePublicAcls"), Get("BlockPublicPolicy"), Get("RestrictPublicBuckets"));
    }

    private static WalrusException Malformed() =>
        new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema");
}
