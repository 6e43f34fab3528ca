using Google.Protobuf;
using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Drivers;

/// <summary>An instance and its launch record as the NC's RunInstanceRequest, which the CC forwards to the node it places the instance on.</summary>
internal static class LaunchWire
{
    /// <summary>Networking is the NC's USER mode for now: every guest has the same address inside its own QEMU network.</summary>
    private const string NetworkMode = "USER";

    public static RunInstanceRequest ToMessage(Instance instance)
    {
        var launch = instance.Launch ?? throw new ArgumentException($"Instance {instance.InstanceId} was read without its launch record.", nameof(instance));
        return new RunInstanceRequest
        {
            InstanceId = instance.InstanceId, Cores = launch.VCpus, MemoryMib = launch.MemoryMiB,
            Kernel = Ref(launch.Kernel), Ramdisk = launch.Ramdisk is { } ramdisk ? Ref(ramdisk) : null, RootDisk = Ref(launch.Machine),
            Network = new NetworkInterface { Mode = NetworkMode, PrivateIp = Instance.UserNetworkAddress },
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

    private static ImageRef Ref(LaunchImage image) => new()
    {
        Id = image.ImageId, Bucket = image.ObjectBucket, Key = image.ObjectKey, Sha256 = image.Sha256, Size = image.SizeBytes,
    };
}
