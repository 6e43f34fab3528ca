using System.Xml;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;

namespace Ironbark.Walrus.Api;

/// <summary>An object's stored checksum in an XML answer (CopyObjectResult, CompleteMultipartUploadResult): Checksum&lt;ALG&gt; and ChecksumType.</summary>
public static class ChecksumElements
{
    public static void Write(XmlWriter w, ObjectRow row)
    {
        if (StoredChecksum.Parse(row.Checksum) is not { } checksum)
            return;
        w.Element(checksum.ElementName, checksum.Value);
        w.Element("ChecksumType", checksum.Type);
    }
}
