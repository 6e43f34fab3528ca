namespace Ironbark.Clc.Domain;

/// <summary>
/// What RunInstances decided an instance launches with, beyond what its row says (image ids, type, key name, zone):
/// the size of its type then, the image objects it boots from, the public key, the user data and the groups it was
/// launched in. Kept with the instance so a launch lost to a restart goes out again the same.
/// </summary>
public sealed record InstanceLaunch(
    int VCpus,
    int MemoryMiB,
    LaunchImage Machine,
    LaunchImage Kernel,
    LaunchImage? Ramdisk,
    string? PublicKey,
    byte[] UserData,
    IReadOnlyList<string> GroupNames);
