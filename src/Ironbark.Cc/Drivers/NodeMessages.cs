using Google.Protobuf;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Drivers;

/// <summary>The CC's records as the NC's messages (nc.proto) and back: what the node client sends and what it hands the domain.</summary>
internal static class NodeMessages
{
    public static RunInstanceRequest Request(InstanceLaunch launch) => new()
    {
        InstanceId = launch.InstanceId,
        Cores = launch.Cores,
        MemoryMib = launch.MemoryMib,
        Kernel = Image(launch.Kernel),
        Ramdisk = Image(launch.Ramdisk),
        RootDisk = Image(launch.RootDisk),
        Network = launch.Network is { } n ? InterfaceMessages.Interface(n) : null,
        Data = Data(launch.Data),
        KernelArgs = launch.KernelArgs,
        MetadataOptions = Options(launch.MetadataOptions),
    };

    public static MetadataOptions? Options(InstanceMetadataOptions? options) => options is null ? null : new()
    {
        HttpTokens = options.HttpTokens, HttpPutResponseHopLimit = options.HttpPutResponseHopLimit, HttpEndpoint = options.HttpEndpoint,
    };

    public static InstanceReport Report(InstanceStatus status) => new()
    {
        InstanceId = status.InstanceId,
        State = status.State,
        PowerState = status.PowerState,
        Reason = status.Reason,
        LaunchedMs = status.LaunchedMs,
        Cores = status.Cores,
        MemoryMib = status.MemoryMib,
        Pid = status.Pid,
        MetadataOptions = status.MetadataOptions is { } o ? new(o.HttpTokens, o.HttpPutResponseHopLimit, o.HttpEndpoint) : null,
    };

    public static NodeReport Report(NodeDescription node, IEnumerable<InstanceStatus> listed) => new(node.NodeId, node.CoresTotal, node.CoresFree,
        node.MemoryMibTotal, node.MemoryMibFree, node.Instances, [.. listed.Select(Report)], node.HeldInstanceIds.ToHashSet(StringComparer.Ordinal))
    {
        UnderlayIp = node.UnderlayIp,
    };

    public static InstanceConsole Console(ConsoleOutput output) => new(output.InstanceId, output.Output.ToByteArray(), output.TimestampMs);

    private static ImageRef? Image(ImageObject? image) => image is null ? null : new()
    {
        Id = image.Id, Bucket = image.Bucket, Key = image.Key, Sha256 = image.Sha256, Size = image.Size,
    };

    private static InstanceData? Data(InstanceMetadata? data) => data is null ? null : new()
    {
        UserData = ByteString.CopyFrom(data.UserData),
        PublicKey = data.PublicKey,
        KeyName = data.KeyName,
        ImageId = data.ImageId,
        InstanceType = data.InstanceType,
        Hostname = data.Hostname,
        AvailabilityZone = data.AvailabilityZone,
        ReservationId = data.ReservationId,
        AccountId = data.AccountId,
        KernelId = data.KernelId,
        RamdiskId = data.RamdiskId,
        SecurityGroups = { data.SecurityGroups },
    };
}
