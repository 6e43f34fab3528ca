using System.Collections.Concurrent;

namespace Ironbark.Common.Auth;

/// <summary>
/// SigV4 signing keys by secret and scope: deriving one costs four HMACs, and a client signs every
/// request of a day with the same key. The entry is found by the secret itself, so it is only a
/// shortcut for a secret the caller has already resolved: a deleted key is refused by that
/// resolution, whatever this cache holds. Bounded by clearing it whole when full.
/// </summary>
public sealed class SigningKeyCache
{
    private const int MaxEntries = 1024;
    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), byte[]> _keys = new();

    public byte[] Get(string secret, string date, string region, string service)
    {
        var id = (secret, date, region, service);
        if (_keys.TryGetValue(id, out var key))
            return key;
        key = SigV4.SigningKey(secret, date, region, service);
        // Keys of past days and of deleted secrets are never asked for again; clearing drops them.
        if (_keys.Count >= MaxEntries)
            _keys.Clear();
        _keys[id] = key;
        return key;
    }
}
