using System.Globalization;
using Ironbark.Clc.Domain;

namespace Ironbark.Clc.Api;

/// <summary>
/// The parameters of an EC2 Query request (or of one member of a list in it), read with the EC2
/// list conventions: Name.1, Name.2…; structured members Name.1.Field; filters Filter.N.Name and
/// Filter.N.Value.M; tags TagSpecification.N.Tag.M.Key.
/// </summary>
public sealed class Ec2Parameters(IReadOnlyDictionary<string, string> values)
{
    public string? this[string name] => values.GetValueOrDefault(name);

    public bool Has(string name) => values.ContainsKey(name);

    public string Required(string name) =>
        values.TryGetValue(name, out var value) && value.Length > 0 ? value : throw Ec2Exception.MissingParameter(name);

    public bool Bool(string name, bool defaultValue = false) => this[name] switch
    {
        null => defaultValue,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        var v => throw Ec2Exception.InvalidParameterValue($"Value ({v}) for parameter {name} is invalid. Expected a boolean."),
    };

    public int? Int(string name) => this[name] switch
    {
        null or "" => null,
        var v when int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => i,
        var v => throw Ec2Exception.InvalidParameterValue($"Value ({v}) for parameter {name} is invalid. Expected an integer."),
    };

    /// <summary>The values of Name.1, Name.2… in index order.</summary>
    public IReadOnlyList<string> List(string name) =>
        values.Select(p => (Index: IndexAfter(p.Key, name, out var rest) is { } i && rest.Length == 0 ? i : -1, p.Value))
            .Where(p => p.Index >= 0).OrderBy(p => p.Index).Select(p => p.Value).ToList();

    /// <summary>The members of a structured list, Name.N.Field…, each as its own parameter set, in index order.</summary>
    public IReadOnlyList<Ec2Parameters> Members(string name) =>
        values.Select(p => (Index: IndexAfter(p.Key, name, out var rest) is { } i && rest.StartsWith('.') ? i : -1, Field: rest, p.Value))
            .Where(p => p.Index >= 0)
            .GroupBy(p => p.Index).OrderBy(g => g.Key)
            .Select(g => new Ec2Parameters(g.ToDictionary(p => p.Field[1..], p => p.Value, StringComparer.Ordinal)))
            .ToList();

    public IReadOnlyList<Filter> Filters() =>
        Members("Filter").Select(f => new Filter(f.Required("Name"), f.List("Value"))).ToList();

    /// <summary>The tags of TagSpecification members for <paramref name="resourceType"/> ("key-pair", "security-group"…).</summary>
    public IReadOnlyList<Tag> TagsFor(string resourceType) => TagsBy(resourceType)[resourceType];

    /// <summary>
    /// The tags of TagSpecification members by resource type, one entry (maybe empty) for each of <paramref name="resourceTypes"/>,
    /// the only types this operation takes (RunInstances: the instance, its interfaces, its volumes).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Tag>> TagsBy(params string[] resourceTypes)
    {
        var tags = resourceTypes.ToDictionary(t => t, _ => new List<Tag>(), StringComparer.Ordinal);
        foreach (var spec in Members("TagSpecification"))
        {
            var type = spec.Required("ResourceType");
            if (!tags.TryGetValue(type, out var these))
                throw Ec2Exception.InvalidParameterValue($"'{type}' is not a valid taggable resource type for this operation.");
            these.AddRange(spec.Members("Tag").Select(t => new Tag(t.Required("Key"), t["Value"] ?? "")));
        }
        foreach (var these in tags.Values)
            Tag.Validate(these);
        return tags.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<Tag>)kv.Value, StringComparer.Ordinal);
    }

    /// <summary>The N of "Name.N…" (with what follows it), or null when the key is not a member of that list.</summary>
    private static int? IndexAfter(string key, string name, out string rest)
    {
        rest = "";
        if (key.Length <= name.Length + 1 || !key.StartsWith(name, StringComparison.Ordinal) || key[name.Length] != '.')
            return null;
        var start = name.Length + 1;
        var end = start;
        while (end < key.Length && char.IsAsciiDigit(key[end]))
            end++;
        if (end == start || !int.TryParse(key.AsSpan(start, end - start), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            return null;
        rest = key[end..];
        return index;
    }
}
