using System.Diagnostics.CodeAnalysis;

namespace Ironbark.Walrus.Api;

/// <summary>A request's policy context keys, gathered from the request the first time anything reads them.</summary>
public sealed class LazyFacts(Func<Dictionary<string, IReadOnlyList<string>>> gather) : IReadOnlyDictionary<string, IReadOnlyList<string>>
{
    private readonly Lazy<Dictionary<string, IReadOnlyList<string>>> _facts = new(gather, LazyThreadSafetyMode.PublicationOnly);

    public IReadOnlyList<string> this[string key] => _facts.Value[key];
    public IEnumerable<string> Keys => _facts.Value.Keys;
    public IEnumerable<IReadOnlyList<string>> Values => _facts.Value.Values;
    public int Count => _facts.Value.Count;
    public bool ContainsKey(string key) => _facts.Value.ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out IReadOnlyList<string> value) => _facts.Value.TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, IReadOnlyList<string>>> GetEnumerator() => _facts.Value.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
