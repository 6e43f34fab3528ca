namespace Ironbark.Cc.Domain;

/// <summary>An instance as its node reported it (or as the CC records a launch it has placed).</summary>
public sealed record InstanceReport
{
    public required string InstanceId { get; init; }

    /// <summary>pending | running | shutting-down | terminated</summary>
    public string State { get; init; } = "";

    /// <summary>running | paused | shutdown | crashed | nostate</summary>
    public string PowerState { get; init; } = "";

    public string Reason { get; init; } = "";
    public long LaunchedMs { get; init; }
    public int Cores { get; init; }
    public int MemoryMib { get; init; }
    public int Pid { get; init; }

    /// <summary>What the node's metadata service enforces now.</summary>
    public InstanceMetadataOptions? MetadataOptions { get; init; }
}
