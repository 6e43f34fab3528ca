using System.Security.Cryptography;
using Google.Protobuf;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Bench.Nc;

/// <summary>
/// The RunInstance request the benchmarks send an NC straight, the test guest from <see cref="NcCloud.Bucket"/>,
/// sized like m1.small (1 vCPU, 256 MiB) as the CLC would send it through the CC.
/// </summary>
public static class NcLaunchRequest
{
    public const int Cores = 1;
    public const int MemoryMib = 256;

    /// <summary>Not a script: the guest reads it once and goes idle (the baseline's responder and the EC2 launches give the same).</summary>
    public const string UserData = "benchmark";

    public static RunInstanceRequest For(string id, GuestImages guest) => new()
    {
        InstanceId = id,
        Cores = Cores,
        MemoryMib = MemoryMib,
        Kernel = Image("vmlinux", guest.KernelSha256),
        Ramdisk = Image("initrd.img", guest.RamdiskSha256),
        RootDisk = Image("root.img", guest.DiskSha256),
        Network = new NetworkInterface { Mode = "USER", PrivateIp = "169.254.169.15" },
        Data = new InstanceData { UserData = ByteString.CopyFromUtf8(UserData), ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro" },
    };

    public static string NewInstanceId() => "i-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];

    private static ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = NcCloud.Bucket, Key = key, Sha256 = sha256 };
}
