namespace Ironbark.Nc.Drivers;

/// <summary>What the hypervisor needs to start one VM: resources, boot files, disk, NIC and where its files go.</summary>
public sealed record VmSpec(
    string InstanceId,
    string Directory,
    int Cores,
    int MemoryMib,
    string KernelPath,
    string? RamdiskPath,
    string KernelArgs,
    string DiskPath,
    VmNic Nic)
{
    public string ConsolePath => Path.Combine(Directory, "console.log");
    public string QmpSocket => Path.Combine(Directory, "qmp.sock");
    public string PidFile => Path.Combine(Directory, "qemu.pid");
}
