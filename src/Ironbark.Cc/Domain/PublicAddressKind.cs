namespace Ironbark.Cc.Domain;

/// <summary>Where an interface's public address comes from.</summary>
public enum PublicAddressKind
{
    None,

    /// <summary>The zone's pool (CcOptions.PublicAddresses): given at launch, back to the pool at terminate.</summary>
    Pool,

    /// <summary>An elastic IP of the CLC's region pool, mapped here by AssociateAddress; the CLC keeps its allocation.</summary>
    Elastic,
}
