using System.Text;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The <c>tagging</c> field of a browser POST: an XML Tagging document (not the URL form of x-amz-tagging), checked
/// with the same limits as PutObjectTagging.
/// </summary>
public static class PostTagging
{
    /// <summary>The tags' stored JSON, null when the form has no tagging field; MalformedXML or InvalidTag when refused.</summary>
    public static string? Parse(string? field)
    {
        if (field is null)
            return null;
        var xml = S3Xml.Parse(Encoding.UTF8.GetBytes(field));
        if (xml.Name.LocalName != "Tagging" || xml.Children("TagSet").FirstOrDefault() is not { } set)
            throw S3Errors.MalformedXml();
        return TagSet.ValidateObjectTags(set.Children("Tag")
            .Select(t => new KeyValuePair<string, string>(t.Child("Key") ?? throw S3Errors.MalformedXml(), t.Child("Value") ?? throw S3Errors.MalformedXml()))
            .ToList());
    }
}
