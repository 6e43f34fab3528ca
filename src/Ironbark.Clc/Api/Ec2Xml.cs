using System.Globalization;
using System.Text;
using System.Xml;
using Ironbark.Common.Buffers;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;

namespace Ironbark.Clc.Api;

/// <summary>EC2 response XML: elements in the 2016-11-15 namespace, item lists, and writing a response.</summary>
public static class Ec2Xml
{
    public const string Version = "2016-11-15";
    public static readonly XNamespace Ns = $"http://ec2.amazonaws.com/doc/{Version}/";

    /// <summary>An element in the EC2 namespace; null content is left out, so optional fields vanish.</summary>
    public static XElement E(string name, params object?[] content) => new(Ns + name, content.Where(c => c is not null));

    /// <summary>An element only when its value is there (fields EC2 omits when empty).</summary>
    public static XElement? Optional(string name, object? value) => value is null ? null : E(name, value);

    /// <summary>
    /// An element written as its content is enumerated, never held as a whole tree: for answers
    /// that list a thousand instances, each item is built, written and dropped.
    /// </summary>
    public static XStreamingElement Streamed(string name, IEnumerable<object?> content) => new(Ns + name, content.Where(c => c is not null));

    /// <summary>A list the EC2 way, built item by item while it is written (see <see cref="Streamed"/>).</summary>
    public static XStreamingElement StreamedItems<T>(string name, IEnumerable<T> items, Func<T, IEnumerable<object?>> item) =>
        new(Ns + name, items.Select(i => E("item", item(i).ToArray())));

    /// <summary>A list the EC2 way: &lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;.</summary>
    public static XElement Items<T>(string name, IEnumerable<T> items, Func<T, IEnumerable<object?>> item) =>
        E(name, items.Select(i => E("item", item(i).ToArray())).ToArray<object?>());

    public static XElement TagSet(IEnumerable<Domain.Tag> tags) =>
        Items("tagSet", tags, t => [E("key", t.Key), E("value", t.Value)]);

    public static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Bool(bool value) => value ? "true" : "false";

    private static readonly XmlWriterSettings WriterSettings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    /// <summary>
    /// Writes the document as UTF-8 straight from the elements into pooled chunks, then to the client: a
    /// large DescribeInstances is over a megabyte, and neither a string of it nor a doubling array (large-object
    /// heap garbage on every call) is made.
    /// </summary>
    public static async Task WriteAsync(HttpResponse response, XStreamingElement root, int status)
    {
        response.StatusCode = status;
        response.ContentType = "text/xml;charset=UTF-8";
        await using var body = new PooledBufferStream();
        using (var writer = XmlWriter.Create(body, WriterSettings))
            root.WriteTo(writer);
        response.ContentLength = body.Length;
        await body.WriteToAsync(response.Body, response.HttpContext.RequestAborted);
    }

    public static Task WriteAsync(HttpResponse response, XElement root, int status) => WriteAsync(response, new XStreamingElement(root.Name, root.Attributes(), root.Nodes()), status);
}
