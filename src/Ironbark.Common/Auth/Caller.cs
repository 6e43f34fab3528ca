namespace Ironbark.Common.Auth;

/// <summary>Who made a request: an account through one of its keys, or nobody (anonymous).</summary>
public sealed record Caller(AccountIdentity? Account, string? AccessKeyId)
{
    public static readonly Caller Anonymous = new(null, null);
    public bool IsAnonymous => Account is null;
    /// <summary>The request's policy context keys (lower-case name → values), set at the API edge; null where none were gathered.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Facts { get; init; }
}
