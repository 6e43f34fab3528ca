namespace Ironbark.Clc.Domain;

/// <summary>What RunInstances asks for, as read from the request.</summary>
public sealed record LaunchRequest(
    string ImageId,
    string InstanceType,
    int MinCount,
    int MaxCount,
    string? KeyName,
    IReadOnlyList<string> GroupNames,
    IReadOnlyList<string> GroupIds,
    byte[] UserData,
    string? Zone,
    string? KernelId,
    string? RamdiskId,
    string? ClientToken,
    bool DisableApiTermination,
    string ShutdownBehavior,
    IReadOnlyList<Tag> Tags,
    MetadataOptionsChange MetadataOptions)
{
    /// <summary>The subnet to launch into (one of the account's default subnets, so far); it decides the zone.</summary>
    public string? SubnetId { get; init; }

    /// <summary>The tags of the instances' primary interfaces (TagSpecification network-interface).</summary>
    public IReadOnlyList<Tag> InterfaceTags { get; init; } = [];
}
