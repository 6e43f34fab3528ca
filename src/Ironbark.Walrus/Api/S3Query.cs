using Ironbark.Common.Auth;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The one parsed view of a request's query, read from the raw request target with exact (ordinal) names.
/// The SigV2 CanonicalizedResource and the router's choice of operation both come from it, so what is signed
/// and what is done cannot disagree (ASP.NET's own Request.Query ignores case; it is not read for S3).
/// </summary>
public sealed class S3Query
{
    private readonly List<KeyValuePair<string, string>> _pairs;

    private S3Query(List<KeyValuePair<string, string>> pairs, string? selector) => (_pairs, Selector) = (pairs, selector);

    /// <summary>The sub-resource that selects the operation (acl, uploads, uploadId…), or null for the plain one.</summary>
    public string? Selector { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _pairs;

    /// <summary>
    /// Parses the raw query. Refused with InvalidArgument: a name that is a sub-resource in another case, a sub-resource
    /// given twice, and two sub-resources that each select an operation.
    /// </summary>
    public static S3Query Parse(string rawQuery)
    {
        var pairs = SigV4.ParseQuery(rawQuery);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? selector = null;
        foreach (var (name, value) in pairs)
        {
            if (S3Subresources.IsMisspelled(name))
                throw S3Errors.InvalidArgument($"Unknown query parameter '{name}'; S3 sub-resource names are case-sensitive.", name, value);
            if (!S3Subresources.IsKnown(name))
                continue;
            if (!seen.Add(name))
                throw S3Errors.InvalidArgument($"The query parameter '{name}' is given more than once.", name, value);
            if (!S3Subresources.Selectors.Contains(name))
                continue;
            if (selector is not null)
                throw S3Errors.InvalidArgument($"A request addresses one sub-resource; this one names '{selector}' and '{name}'.", name, value);
            selector = name;
        }
        return new S3Query(pairs, selector);
    }

    public bool Has(string name) => _pairs.Exists(p => p.Key == name);

    /// <summary>The first value of <paramref name="name"/> (exact spelling), "" for a bare name, null when absent.</summary>
    public string? Get(string name)
    {
        var i = _pairs.FindIndex(p => p.Key == name);
        return i < 0 ? null : _pairs[i].Value;
    }

    /// <summary>The sub-resources SigV2 signs, sorted as its CanonicalizedResource lists them.</summary>
    public string V2Subresources() =>
        string.Join('&', _pairs.Where(p => S3Subresources.SignedByV2.Contains(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key}={p.Value}"));
}
