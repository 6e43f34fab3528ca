using Ironbark.Common.Auth;

namespace Ironbark.Walrus.Api;

/// <summary>
/// The DisplayName S3 writes beside a canonical user id (Owner, Initiator, CanonicalUser grantees): the name of the
/// account as the identity service knows it (cached there), or the canonical id itself for an account it no longer knows.
/// </summary>
public sealed class DisplayNames(ICredentialSource credentials)
{
    /// <summary>The names of <paramref name="canonicalIds"/>, each looked up once.</summary>
    public async Task<PartyNames> ResolveAsync(IEnumerable<string> canonicalIds, CancellationToken ct)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in canonicalIds)
            if (!names.ContainsKey(id))
                names[id] = (await credentials.FindAccountByCanonicalIdAsync(id, ct))?.Name ?? id;
        return new PartyNames(names);
    }
}
