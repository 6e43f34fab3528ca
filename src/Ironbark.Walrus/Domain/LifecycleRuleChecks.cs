using System.Xml.Linq;

namespace Ironbark.Walrus.Domain;

/// <summary>The checks S3 makes on lifecycle rules beyond their shape: rule IDs, one filter predicate, midnight dates.</summary>
public static class LifecycleRuleChecks
{
    public const int MaxIdLength = 255;

    private static readonly string[] Predicates = ["Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan"];

    /// <summary>A Filter holds at most one predicate (several go in And); size predicates are not served.</summary>
    public static void CheckFilter(XElement rule)
    {
        foreach (var filter in rule.Elements().Where(e => e.Name.LocalName == "Filter"))
        {
            if (filter.Elements().Count(e => Predicates.Contains(e.Name.LocalName)) > 1)
                throw S3Errors.MalformedXml();
            // Ignoring a size bound would widen the rule to every object; refused rather than expire too much.
            if (filter.Descendants().FirstOrDefault(e => e.Name.LocalName.StartsWith("ObjectSize", StringComparison.Ordinal)) is { } size)
                throw S3Errors.NotImplemented($"lifecycle filter {size.Name.LocalName}");
        }
    }

    /// <summary>An Expiration Date is a day: midnight UTC.</summary>
    public static DateTimeOffset CheckMidnight(DateTimeOffset date, string text) =>
        date.UtcDateTime.TimeOfDay == TimeSpan.Zero ? date : throw S3Errors.InvalidArgument("'Date' must be at midnight GMT", "Date", text);

    /// <summary>IDs are at most 255 characters and unique within the configuration (a rule may have none).</summary>
    public static void CheckIds(IEnumerable<string?> ids)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids.OfType<string>())
        {
            if (id.Length > MaxIdLength)
                throw S3Errors.InvalidArgument($"ID length should not exceed allowed limit of {MaxIdLength}", "ID", id);
            if (!seen.Add(id))
                throw S3Errors.InvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID", id);
        }
    }
}
