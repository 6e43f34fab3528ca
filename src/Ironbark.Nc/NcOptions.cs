using Ironbark.Common.Pki;

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

    /// <summary>
    /// The VMs' network: "user" (QEMU user networking, no root; VPC interfaces refused) or "vpc" (namespaces, bridge,
    /// dnsmasq, nftables and VXLAN per VPC; root; docs/network-node.md). USER interfaces run under either.
    /// </summary>
    public string Network { get; init; } = "user";

    /// <summary>The prefix of the network namespaces this NC creates (PREFIXvni&lt;vni&gt;); it removes any it finds with this prefix that no VM uses.</summary>
    public string NetworkNamespacePrefix { get; init; } = "ironbark-";

    /// <summary>VPC: the namespace of the zone's node network, where the VXLAN sockets live (empty: the NC's own), and this node's address on it.</summary>
    public string? UnderlayNamespace { get; init; }
    public string? UnderlayAddress { get; init; }

    /// <summary>VPC: the namespace of the public uplink (empty: the NC's own) and the interface in it on the public network.</summary>
    public string? UplinkNamespace { get; init; }
    public string? UplinkInterface { get; init; }

    /// <summary>
    /// VPC: the cloud's own endpoints inside every VPC namespace, by port: a guest's connection to 169.254.169.254:PORT is
    /// relayed by the NC to the URL (or host:port) in the NC's own namespace, asked for at each connection (a host may
    /// name a component that starts after the NC). `ironbark up` relays 8773 to the CLC (EC2) and 8779 to Walrus (S3).
    /// </summary>
    public IReadOnlyDictionary<int, Func<string?>> CloudEndpoints { get; init; } = new Dictionary<int, Func<string?>>();

    public string QemuBinary { get; init; } = "qemu-system-x86_64";
    public string QemuImgBinary { get; init; } = "qemu-img";

    public string StateDir => Path.Combine(DataDir, "nc");
    public string InstancesDir => Path.Combine(StateDir, "instances");
    public string ImagesDir => Path.Combine(StateDir, "images");
    public string MetadataSocket => Path.Combine(StateDir, "metadata.sock");

    /// <summary>Refuses options the NC cannot run with, before anything starts; the message names the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir))
            throw new ArgumentException("DataDir must name a directory.");
        if (!MutualTls.IsListenUrl(Url))
            throw new ArgumentException($"Url '{Url}' is not an https URL with an IP address (or localhost) to listen on.");
        if (string.IsNullOrWhiteSpace(NodeId))
            throw new ArgumentException("NodeId must not be empty.");
        if (!Uri.TryCreate(WalrusUrl, UriKind.Absolute, out var walrus) || walrus.Scheme is not ("http" or "https"))
            throw new ArgumentException($"WalrusUrl '{WalrusUrl}' is not the http(s) URL of Walrus.");
        if (string.IsNullOrEmpty(AccessKeyId) || string.IsNullOrEmpty(SecretAccessKey))
            throw new ArgumentException("AccessKeyId and SecretAccessKey, the NC's credentials for Walrus, must not be empty.");
        if (Cores < 0)
            throw new ArgumentException($"Cores must be 0 (what the host has) or more, not {Cores}.");
        if (MemoryMib < 0)
            throw new ArgumentException($"MemoryMib must be 0 (what the host has) or more, not {MemoryMib}.");
        Ratio(CpuOvercommit, nameof(CpuOvercommit));
        Ratio(MemoryOvercommit, nameof(MemoryOvercommit));
        if (Hypervisor is not ("qemu" or "fake"))
            throw new ArgumentException($"Hypervisor '{Hypervisor}' is unknown: use qemu (or fake, for scale simulation only).");
        if (Acceleration is not ("auto" or "kvm" or "tcg"))
            throw new ArgumentException($"Acceleration '{Acceleration}' is none of auto, kvm and tcg.");
        if (ImageCacheBytes < 1)
            throw new ArgumentException($"ImageCacheBytes must be more than 0, not {ImageCacheBytes}.");
        if (TerminateGrace < TimeSpan.Zero)
            throw new ArgumentException($"TerminateGrace must not be negative, not {TerminateGrace}.");
        if (string.IsNullOrWhiteSpace(QemuBinary) || string.IsNullOrWhiteSpace(QemuImgBinary))
            throw new ArgumentException("QemuBinary and QemuImgBinary must name programs.");
        ValidateNetwork();
    }

    private void ValidateNetwork()
    {
        if (Network is not ("user" or "vpc"))
            throw new ArgumentException($"Network '{Network}' is unknown: use user (QEMU user networking) or vpc.");
        if (!System.Text.RegularExpressions.Regex.IsMatch(NetworkNamespacePrefix, "^[a-z0-9][a-z0-9-]{0,39}$"))
            throw new ArgumentException($"NetworkNamespacePrefix '{NetworkNamespacePrefix}' must be 1 to 40 of a-z, 0-9 and '-', starting with a letter or digit.");
        if (Network != "vpc")
            return;
        // IPAddress.TryParse takes "10.250.0" for 10.250.0.0: only the dotted quad itself is an address here.
        if (!System.Net.IPAddress.TryParse(UnderlayAddress, out var underlay) || underlay.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || underlay.ToString() != UnderlayAddress)
            throw new ArgumentException($"UnderlayAddress '{UnderlayAddress}' is not this node's IPv4 address on the zone's node network (needed with Network vpc).");
        if (string.IsNullOrWhiteSpace(UplinkInterface) || UplinkInterface.Length > 15 || UplinkInterface.Contains('/'))
            throw new ArgumentException($"UplinkInterface '{UplinkInterface}' must name the interface on the public network (up to 15 characters; needed with Network vpc).");
        foreach (var port in CloudEndpoints.Keys)
            if (port is < 1 or > 65535 or 80 or 53 or 67)
                throw new ArgumentException($"CloudEndpoints: port {port} cannot be relayed at the metadata address (1 to 65535, not 80 (metadata), 53 (DNS) or 67 (DHCP)).");
        Namespace(UnderlayNamespace, nameof(UnderlayNamespace));
        Namespace(UplinkNamespace, nameof(UplinkNamespace));
    }

    private void Namespace(string? name, string option)
    {
        if (string.IsNullOrEmpty(name))
            return;
        if (name.StartsWith(NetworkNamespacePrefix, StringComparison.Ordinal))
            throw new ArgumentException($"{option} '{name}' starts with NetworkNamespacePrefix '{NetworkNamespacePrefix}': the NC would take it for one of its own and remove it.");
        if (name.Contains('/') || !File.Exists(Path.Combine("/run/netns", name)))
            throw new ArgumentException($"{option} '{name}' is no network namespace of this host (ip netns list).");
    }

    private static void Ratio(double value, string option)
    {
        if (!double.IsFinite(value) || value <= 0)
            throw new ArgumentException($"{option} must be a number more than 0, not {value}.");
    }
}
