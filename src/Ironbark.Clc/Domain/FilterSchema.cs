namespace Ironbark.Clc.Domain;

/// <summary>
/// The filters one kind of resource supports: named fields, plus tag-key, tag-value and tag:KEY when
/// the resource has tags. An unknown filter name is refused, as AWS does.
/// </summary>
public sealed class FilterSchema<T>(IReadOnlyDictionary<string, Func<T, IEnumerable<string?>>> fields, Func<T, IReadOnlyList<Tag>>? tags = null)
{
    public IReadOnlyList<T> Apply(IEnumerable<T> items, IReadOnlyList<Filter> filters)
    {
        foreach (var filter in filters)
            if (!fields.ContainsKey(filter.Name) && !IsTagFilter(filter.Name))
                throw Ec2Exception.InvalidParameterValue($"The filter '{filter.Name}' is invalid");
        return items.Where(item => filters.All(f => f.MatchesAny(ValuesOf(item, f.Name)))).ToList();
    }

    private bool IsTagFilter(string name) => tags is not null && (name is "tag-key" or "tag-value" || (name.StartsWith("tag:", StringComparison.Ordinal) && name.Length > 4));

    private IEnumerable<string?> ValuesOf(T item, string name)
    {
        if (fields.TryGetValue(name, out var field))
            return field(item);
        var itemTags = tags!(item);
        return name switch
        {
            "tag-key" => itemTags.Select(t => t.Key),
            "tag-value" => itemTags.Select(t => t.Value),
            _ => itemTags.Where(t => t.Key == name[4..]).Select(t => t.Value),
        };
    }
}
