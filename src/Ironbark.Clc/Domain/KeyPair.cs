namespace Ironbark.Clc.Domain;

/// <summary>An account's key pair: the public half and its fingerprint (the private half is never kept).</summary>
public sealed class KeyPair
{
    public string KeyPairId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string KeyName { get; init; } = "";
    /// <summary>"rsa" or "ed25519".</summary>
    public string KeyType { get; init; } = "";
    public string Fingerprint { get; init; } = "";
    /// <summary>The public key in OpenSSH format ("ssh-rsa AAAA… name"), for instance metadata.</summary>
    public string PublicKey { get; init; } = "";
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];
}
