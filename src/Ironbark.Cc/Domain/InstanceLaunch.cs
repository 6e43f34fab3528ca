namespace Ironbark.Cc.Domain;

/// <summary>
/// One instance to launch, as the CLC asked for it: the cores and memory the CC places by, and what the node
/// needs to run it (images, network, metadata), which the CC passes on unchanged. Equal launches are retries.
/// </summary>
public sealed record InstanceLaunch
{
    public required string InstanceId { get; init; }
    public int Cores { get; init; }
    public int MemoryMib { get; init; }
    public ImageObject? Kernel { get; init; }
    public ImageObject? Ramdisk { get; init; }
    public ImageObject? RootDisk { get; init; }
    public NetworkAttachment? Network { get; init; }
    public InstanceMetadata? Data { get; init; }
    public string KernelArgs { get; init; } = "";

    /// <summary>Null: the node's defaults.</summary>
    public InstanceMetadataOptions? MetadataOptions { get; init; }
}
