using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace Ironbark.Walrus.Domain;

/// <summary>A bucket's lifecycle configuration, parsed from the S3 XML and stored as JSON.</summary>
public sealed record LifecycleConfiguration(List<LifecycleRule> Rules)
{
    public static LifecycleConfiguration FromXml(XElement root)
    {
        if (root.Name.LocalName != "LifecycleConfiguration")
            throw S3Errors.MalformedXml();
        var rules = new List<LifecycleRule>();
        foreach (var rule in Children(root, "Rule"))
        {
            var status = Value(rule, "Status");
            if (status is not ("Enabled" or "Disabled"))
                throw S3Errors.MalformedXml();
            LifecycleRuleChecks.CheckFilter(rule);
            var prefix = Value(rule, "Prefix");
            var tags = new List<KeyValuePair<string, string>>();
            if (Children(rule, "Filter").FirstOrDefault() is { } filter)
            {
                if (prefix is not null)
                    throw S3Errors.MalformedXml();
                var scope = Children(filter, "And").FirstOrDefault() ?? filter;
                prefix = Value(scope, "Prefix");
                tags.AddRange(Children(scope, "Tag").Select(t => new KeyValuePair<string, string>(Value(t, "Key") ?? throw S3Errors.MalformedXml(), Value(t, "Value") ?? "")));
            }
            var expiration = Children(rule, "Expiration").FirstOrDefault();
            int? days = null;
            DateTimeOffset? date = null;
            var deleteMarkers = false;
            if (expiration is not null)
            {
                days = PositiveInt(Value(expiration, "Days"), "Days");
                if (Value(expiration, "Date") is { } dateText)
                {
                    if (!DateTimeOffset.TryParse(dateText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                        throw S3Errors.InvalidArgument("'Date' must be at midnight GMT", "Date", dateText);
                    date = LifecycleRuleChecks.CheckMidnight(parsed, dateText);
                }
                deleteMarkers = Value(expiration, "ExpiredObjectDeleteMarker") == "true";
                if (days is not null && date is not null)
                    throw S3Errors.MalformedXml();
            }
            var noncurrent = Children(rule, "NoncurrentVersionExpiration").FirstOrDefault() is { } n ? PositiveInt(Value(n, "NoncurrentDays"), "NoncurrentDays") : null;
            var abort = Children(rule, "AbortIncompleteMultipartUpload").FirstOrDefault() is { } a ? PositiveInt(Value(a, "DaysAfterInitiation"), "DaysAfterInitiation") : null;
            if (days is null && date is null && !deleteMarkers && noncurrent is null && abort is null)
                throw S3Errors.InvalidRequest("At least one action needs to be specified in a rule");
            rules.Add(new LifecycleRule(Value(rule, "ID"), status == "Enabled", prefix ?? "", tags, days, date, deleteMarkers, noncurrent, abort));
        }
        if (rules.Count is 0 or > 1000)
            throw S3Errors.MalformedXml();
        LifecycleRuleChecks.CheckIds(rules.Select(r => r.Id));
        return new LifecycleConfiguration(rules);
    }

    private static int? PositiveInt(string? text, string name)
    {
        if (text is null)
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw S3Errors.InvalidArgument($"'{name}' for Expiration action must be a positive integer", name, text);
    }

    private static IEnumerable<XElement> Children(XElement e, string name) => e.Elements().Where(c => c.Name.LocalName == name);

    private static string? Value(XElement e, string name) => Children(e, name).FirstOrDefault()?.Value;

    public string ToJson() => JsonSerializer.Serialize(this);

    public static LifecycleConfiguration FromJson(string json) => JsonSerializer.Deserialize<LifecycleConfiguration>(json)!;
}
