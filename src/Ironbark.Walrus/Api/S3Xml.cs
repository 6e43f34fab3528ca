using Ironbark.Common.Buffers;
using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Ironbark.Walrus.Domain;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>S3 XML in and out: answers in the S3 namespace, request bodies parsed with a size cap.</summary>
public static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";
    // CheckCharacters off: a key may hold characters XML 1.0 cannot carry; S3 writes them as character references.
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Async = true, CheckCharacters = false };

    public static async Task WriteAsync(HttpResponse response, string root, Action<XmlWriter> body, int status = 200, string ns = Namespace)
    {
        await using var buffer = new PooledBufferStream();
        using (var writer = XmlWriter.Create(buffer, Settings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement(root, ns);
            body(writer);
            writer.WriteEndElement();
            writer.WriteEndDocument();
        }
        response.StatusCode = status;
        response.ContentType = "application/xml";
        response.ContentLength = buffer.Length;
        await buffer.WriteToAsync(response.Body, response.HttpContext.RequestAborted);
    }

    public static void Element(this XmlWriter writer, string name, string? value)
    {
        if (value is not null)
            writer.WriteElementString(name, Namespace, value);
    }

    public static string Timestamp(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string HttpDate(DateTimeOffset when) => when.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Parses a small XML request body (read with <see cref="S3Request.ReadSmallBodyAsync"/>); MalformedXML when it is empty or not XML.</summary>
    public static XElement Parse(byte[] bytes)
    {
        if (bytes.Length == 0)
            throw S3Errors.MalformedXml();
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(bytes), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XElement.Load(reader);
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXml();
        }
    }

    /// <summary>Reads and parses an XML configuration body of at most <paramref name="maxBytes"/>.</summary>
    public static async Task<XElement> ReadAsync(S3Request r, int maxBytes = S3BodyLimits.Configuration) => Parse(await r.ReadSmallBodyAsync(maxBytes));

    /// <summary>Child elements by local name, whatever namespace the client used.</summary>
    public static IEnumerable<XElement> Children(this XElement element, string name) =>
        element.Elements().Where(e => e.Name.LocalName == name);

    public static string? Child(this XElement element, string name) => element.Children(name).FirstOrDefault()?.Value;
}
