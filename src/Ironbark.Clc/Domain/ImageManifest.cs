using System.Xml;
using System.Xml.Linq;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Ironbark's image manifest (docs/clc.md): the image type and the object in the manifest's own bucket
/// that holds the bytes, with their size and SHA-256, which the NC checks when it fetches them.
/// </summary>
public sealed record ImageManifest(string ImageType, string Key, long SizeBytes, string Sha256)
{
    public const string RootName = "imageManifest";
    public const string Version = "1";

    public static async Task<ImageManifest> ParseAsync(Stream xml, string location, CancellationToken ct)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(xml, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, Async = true });
            root = await XElement.LoadAsync(reader, LoadOptions.None, ct);
        }
        catch (XmlException e)
        {
            throw Invalid(location, $"not XML ({e.Message})");
        }
        if (root.Name.LocalName != RootName || (string?)root.Attribute("version") != Version)
            throw Invalid(location, $"expected <{RootName} version=\"{Version}\">");
        string Field(string name) => root.Element(name)?.Value.Trim() is { Length: > 0 } v ? v : throw Invalid(location, $"<{name}> is missing");
        var type = Field("imageType");
        if (type is not ("machine" or "kernel" or "ramdisk"))
            throw Invalid(location, $"imageType '{type}' is not machine, kernel or ramdisk");
        if (!long.TryParse(Field("size"), out var size) || size <= 0)
            throw Invalid(location, "<size> is not a positive number of bytes");
        var sha = Field("sha256");
        if (sha.Length != 64 || sha.Any(c => !char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)))
            throw Invalid(location, "<sha256> is not 64 lower-case hex digits");
        return new ImageManifest(type, Field("key"), size, sha);
    }

    /// <summary>The manifest document for an image object (what `ironbark image install` writes).</summary>
    public XElement ToXml() => new(RootName, new XAttribute("version", Version),
        new XElement("imageType", ImageType), new XElement("key", Key), new XElement("size", SizeBytes), new XElement("sha256", Sha256));

    private static Ec2Exception Invalid(string location, string why) => new("InvalidManifest", $"The manifest {location} is invalid: {why}.");
}
