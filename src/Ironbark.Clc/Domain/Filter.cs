using System.Text.RegularExpressions;

namespace Ironbark.Clc.Domain;

/// <summary>One Describe filter: a name and the values any of which may match, with * and ? wildcards as on AWS.</summary>
public sealed record Filter(string Name, IReadOnlyList<string> Values)
{
    private readonly Regex[] _patterns = Values.Select(v => new Regex(
        "^" + Regex.Escape(v).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
        RegexOptions.Singleline | RegexOptions.CultureInvariant)).ToArray();

    /// <summary>Whether any of a resource's values for this filter matches any of the filter's values.</summary>
    public bool MatchesAny(IEnumerable<string?> resourceValues) =>
        resourceValues.Any(value => value is not null && _patterns.Any(p => p.IsMatch(value)));
}
