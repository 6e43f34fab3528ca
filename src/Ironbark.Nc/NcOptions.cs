namespace Ironbark.Nc;

/// <summary>What an operator sets for a Node Controller (see docs/nc.md).</summary>
public sealed record NcOptions
{
    /// <summary>The cloud's data directory; the NC keeps its state under DATA/nc and reads DATA/pki.</summary>
    public required string DataDir { get; init; }

    /// <summary>Where the gRPC API listens (HTTPS with client certificates), e.g. https://127.0.0.1:8775.</summary>
    public string Url { get; init; } = "https://127.0.0.1:8775";

    /// <summary>A name for this node; the host name by default.</summary>
    public string NodeId { get; init; } = Environment.MachineName;

    /// <summary>Walrus, where images come from, and the NC's own credentials for it.</summary>
    public required string WalrusUrl { get; init; }
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }

    /// <summary>Cores and memory offered to VMs; 0 means what the host has.</summary>
    public int Cores { get; init; }
    public long MemoryMib { get; init; }

    /// <summary>How far VMs may overcommit the offered cores and memory (1.0 = not at all).</summary>
    public double CpuOvercommit { get; init; } = 4.0;
    public double MemoryOvercommit { get; init; } = 1.0;

    /// <summary>
    /// The VM driver: "qemu" (the default and the only real one) or "fake", which runs nothing and
    /// exists only to simulate hundreds of nodes in one process (docs/nc.md).
    /// </summary>
    public string Hypervisor { get; init; } = "qemu";

    /// <summary>auto (KVM only where a probe boot with it succeeds), kvm or tcg; QEMU only.</summary>
    public string Acceleration { get; init; } = "auto";

    /// <summary>A Linux kernel "auto" boots under KVM before trusting it (default: the newest /boot/vmlinuz-*).</summary>
    public string? ProbeKernel { get; init; }

    /// <summary>The image cache's size limit; least recently used images not in use are evicted beyond it.</summary>
    public long ImageCacheBytes { get; init; } = 10L * 1024 * 1024 * 1024;

    /// <summary>How long a terminate waits for the guest to power off after ACPI power-down before quitting QEMU.</summary>
    public TimeSpan TerminateGrace { get; init; } = TimeSpan.FromSeconds(5);

    public string QemuBinary { get; init; } = "qemu-system-x86_64";
    public string QemuImgBinary { get; init; } = "qemu-img";

    public string StateDir => Path.Combine(DataDir, "nc");
    public string InstancesDir => Path.Combine(StateDir, "instances");
    public string ImagesDir => Path.Combine(StateDir, "images");
    public string MetadataSocket => Path.Combine(StateDir, "metadata.sock");
}
