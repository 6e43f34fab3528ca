namespace Ironbark.Cc.Domain;

/// <summary>How the instance is attached to the network ("USER" or "VPC") and the addresses it is told it has.</summary>
/// <param name="Mac">USER mode: as the CLC sent it. VPC mode: the CC's allocation (<see cref="Vpc"/>).</param>
public sealed record NetworkAttachment(string Mode, string Mac, string PrivateIp)
{
    public const string VpcMode = "VPC";

    /// <summary>VPC mode: the interface, as the CLC asked for it or (once allocated) as the CC allocated it.</summary>
    public VpcInterface? Vpc { get; init; }

    public bool IsVpc => string.Equals(Mode, VpcMode, StringComparison.Ordinal);
}
