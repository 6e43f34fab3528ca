using System.Xml;

namespace Ironbark.Walrus.Api;

/// <summary>The display names resolved for one answer, and the Owner/Initiator element S3 writes with them.</summary>
public sealed class PartyNames(IReadOnlyDictionary<string, string> names)
{
    public string Of(string canonicalId) => names.GetValueOrDefault(canonicalId, canonicalId);

    /// <summary>Writes &lt;element&gt;&lt;ID/&gt;&lt;DisplayName/&gt;&lt;/element&gt;.</summary>
    public void Write(XmlWriter w, string element, string canonicalId)
    {
        w.WriteStartElement(element, S3Xml.Namespace);
        w.Element("ID", canonicalId);
        w.Element("DisplayName", Of(canonicalId));
        w.WriteEndElement();
    }
}
