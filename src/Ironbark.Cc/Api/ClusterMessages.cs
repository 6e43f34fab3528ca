using Google.Protobuf;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Api;

/// <summary>
/// cc.proto's messages (its instance calls carry nc.proto's) as the CC's records and back: what the API hands the
/// domain and what it answers.
/// </summary>
internal static class ClusterMessages
{
    public static InstanceLaunch Launch(RunInstanceRequest request) => new()
    {
        InstanceId = request.InstanceId,
        Cores = request.Cores,
        MemoryMib = request.MemoryMib,
        Kernel = Image(request.Kernel),
        Ramdisk = Image(request.Ramdisk),
        RootDisk = Image(request.RootDisk),
        Network = request.Network is { } n ? Attachment(n) : null,
        Data = Data(request.Data),
        KernelArgs = request.KernelArgs,
        MetadataOptions = Options(request.MetadataOptions),
    };

    public static InstanceMetadataOptions? Options(MetadataOptions? options) =>
        options is null ? null : new(options.HttpTokens, options.HttpPutResponseHopLimit, options.HttpEndpoint);

    public static ClusterInstance Instance(KnownInstance known, NodeStatus? node, VpcInterface? network) => new()
    {
        Status = Status(known.Status), NodeId = node?.NodeId ?? "", NodeUrl = known.NodeUrl, NodeUp = node?.Up ?? false,
        Network = network is null ? null : InterfaceMessages.Interface(network),
    };

    /// <summary>VPC mode: the interface the CLC asks for (the CC allocates the rest); else the addresses as sent.</summary>
    public static NetworkAttachment Attachment(NetworkInterface n) =>
        n.Mode == NetworkAttachment.VpcMode
            ? new NetworkAttachment(n.Mode, "", "")
            {
                Vpc = new VpcInterface
                {
                    InterfaceId = n.InterfaceId, VpcId = n.VpcId, SubnetId = n.SubnetId, SubnetCidr = n.SubnetCidr, VpcCidr = n.VpcCidr,
                    SecurityGroupIds = [.. n.SecurityGroupIds], AssignPublicIp = n.AssignPublicIp, DnsDomain = n.DnsDomain,
                },
            }
            : new NetworkAttachment(n.Mode, n.Mac, n.PrivateIp);

    public static InstanceStatus Status(InstanceReport report) => new()
    {
        InstanceId = report.InstanceId,
        State = report.State,
        PowerState = report.PowerState,
        Reason = report.Reason,
        LaunchedMs = report.LaunchedMs,
        Cores = report.Cores,
        MemoryMib = report.MemoryMib,
        Pid = report.Pid,
        MetadataOptions = report.MetadataOptions is { } o
            ? new MetadataOptions { HttpTokens = o.HttpTokens, HttpPutResponseHopLimit = o.HttpPutResponseHopLimit, HttpEndpoint = o.HttpEndpoint }
            : null,
    };

    public static ConsoleOutput Console(InstanceConsole console) => new()
    {
        InstanceId = console.InstanceId, Output = ByteString.CopyFrom(console.Output), TimestampMs = console.TimestampMs,
    };

    private static ImageObject? Image(ImageRef? image) => image is null ? null : new(image.Id, image.Bucket, image.Key, image.Sha256, image.Size);

    private static InstanceMetadata? Data(InstanceData? data) => data is null ? null : new()
    {
        UserData = data.UserData.ToByteArray(),
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
        SecurityGroups = [.. data.SecurityGroups],
    };
}
