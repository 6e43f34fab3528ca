using Google.Protobuf;
using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Drivers;

/// <summary>An instance and its launch record as the NC's RunInstanceRequest, which the CC forwards to the node it places the instance on.</summary>
internal static class LaunchWire
{
    public const string VpcMode = "VPC";
    private const string UserMode = "USER";

    /// <summary>
    /// The launch with its primary interface in the VPC (the CC allocates its MAC and addresses); without
    /// <paramref name="network"/> (an instance of before the default VPC had interfaces), QEMU's USER mode.
    /// </summary>
    public static RunInstanceRequest ToMessage(Instance instance, LaunchNetwork? network)
    {
        var launch = instance.Launch ?? throw new ArgumentException($"Instance {instance.InstanceId} was read without its launch record.", nameof(instance));
        return new RunInstanceRequest
        {
            InstanceId = instance.InstanceId, Cores = launch.VCpus, MemoryMib = launch.MemoryMiB,
            Kernel = Ref(launch.Kernel), Ramdisk = launch.Ramdisk is { } ramdisk ? Ref(ramdisk) : null, RootDisk = Ref(launch.Machine),
            Network = network is null ? new NetworkInterface { Mode = UserMode, PrivateIp = Instance.UserNetworkAddress } : ToMessage(network),
            Data = new InstanceData
            {
                UserData = ByteString.CopyFrom(launch.UserData), PublicKey = launch.PublicKey ?? "", KeyName = instance.KeyName ?? "",
                ImageId = instance.ImageId, InstanceType = instance.InstanceType, Hostname = instance.InstanceId, AvailabilityZone = instance.Zone,
                ReservationId = instance.ReservationId, AccountId = instance.AccountId, KernelId = launch.Kernel.ImageId,
                RamdiskId = launch.Ramdisk?.ImageId ?? "", SecurityGroups = { launch.GroupNames },
            },
            MetadataOptions = MetadataOptionsWire.ToMessage(instance.MetadataOptions),
        };
    }

    private static NetworkInterface ToMessage(LaunchNetwork network) => new()
    {
        Mode = VpcMode, InterfaceId = network.InterfaceId, VpcId = network.VpcId, SubnetId = network.SubnetId, VpcCidr = network.VpcCidr,
        SubnetCidr = network.SubnetCidr, SecurityGroupIds = { network.GroupIds }, AssignPublicIp = network.AssignPublicIp, DnsDomain = network.DnsDomain,
    };

    private static ImageRef Ref(LaunchImage image) => new()
    {
        Id = image.ImageId, Bucket = image.ObjectBucket, Key = image.ObjectKey, Sha256 = image.Sha256, Size = image.SizeBytes,
    };
}
