using System.Security.Cryptography;
using System.Text;
using Ironbark.Cc.Domain;
using Ironbark.Common.Processes;

namespace Ironbark.Cloud;

/// <summary>
/// The "hosts" of an all-in-one cloud's VM network, all network namespaces named after the data directory
/// (ib&lt;8 hex of its path's SHA-256&gt;-…, so several clouds on one host never meet): the node namespace (the zone's
/// node network: the NC's underlay, 10.250.0.1 on a veth inside it), the uplink namespace (its eth0 is the NC's
/// public uplink, 192.0.2.1/24) and the outside namespace (192.0.2.100/24 on the other end of that link), which
/// stands for the world beyond the public addresses: the zone's public pool and the elastic IPs are routed onto
/// the link there, where the NC answers ARP for the addresses it publishes. Nothing is added to the host's own
/// namespace; users reach public addresses with `ip netns exec OUTSIDE …` (docs/network-node.md).
/// </summary>
public sealed class AllInOneNetwork : IAsyncDisposable
{
    public const string UnderlayAddress = "10.250.0.1";
    public const string UplinkInterface = "eth0";
    public const string UplinkAddress = "192.0.2.1";
    public const string OutsideAddress = "192.0.2.100";
    private const string UnderlayInterface = "underlay0";

    private AllInOneNetwork(string dataDir) => Prefix = PrefixOf(dataDir);

    /// <summary>ib&lt;8 hex&gt;-: every namespace of this cloud, the NC's VPC namespaces too, starts with it.</summary>
    public string Prefix { get; }
    public string NodeNamespace => Prefix + "node";
    public string UplinkNamespace => Prefix + "uplink";
    public string OutsideNamespace => Prefix + "outside";

    /// <summary>The NC's NetworkNamespacePrefix: under <see cref="Prefix"/>, and no prefix of the three namespaces above.</summary>
    public string NcPrefix => Prefix + "vpc-";

    public static string PrefixOf(string dataDir) =>
        "ib" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir).TrimEnd('/'))))[..8] + "-";

    /// <summary>Null when this host can run the VPC network (root, ip, nft and dnsmasq), else why not.</summary>
    public static string? WhyNot()
    {
        if (Environment.UserName != "root" && geteuid() != 0)
            return "not running as root";
        foreach (var tool in new[] { "ip", "nft", "dnsmasq" })
            if (!OnPath(tool))
                return $"'{tool}' is not installed (scripts/setup installs iproute2, nftables and dnsmasq-base)";
        return null;
    }

    /// <summary>
    /// Makes the three namespaces with the public ranges (CIDRs or first-last, as PublicAddresses and ElasticIpRange take
    /// them) routed onto the link in the outside one. What a crashed run of the same data directory left is kept and
    /// brought to this shape, not removed: its VMs may still run, and their VPC networks hang on these namespaces (the
    /// VXLAN sockets live in the node namespace, the uplink veths end in the uplink one).
    /// </summary>
    public static async Task<AllInOneNetwork> CreateAsync(string dataDir, IEnumerable<string> publicRanges, CancellationToken ct)
    {
        var network = new AllInOneNetwork(dataDir);
        try
        {
            var node = network.NodeNamespace;
            await EnsureNamespaceAsync(node, ct);
            // A veth pair inside the namespace: this kernel has no dummy devices.
            if (!await HasLinkAsync(node, UnderlayInterface, ct))
                await Ip(ct, "-n", node, "link", "add", UnderlayInterface, "type", "veth", "peer", "name", UnderlayInterface + "p");
            await Ip(ct, "-n", node, "link", "set", UnderlayInterface + "p", "up");
            await Ip(ct, "-n", node, "addr", "replace", UnderlayAddress + "/24", "dev", UnderlayInterface);
            await Ip(ct, "-n", node, "link", "set", UnderlayInterface, "up");

            var (uplink, outside) = (network.UplinkNamespace, network.OutsideNamespace);
            await EnsureNamespaceAsync(uplink, ct);
            await EnsureNamespaceAsync(outside, ct);
            if (!await HasLinkAsync(uplink, UplinkInterface, ct) || !await HasLinkAsync(outside, "eth0", ct))
            {
                foreach (var ns in new[] { uplink, outside })
                    await CommandRunner.RunAsync("ip", ["-n", ns, "link", "del", "eth0"], TimeSpan.FromSeconds(30), ct);
                await Ip(ct, "-n", uplink, "link", "add", UplinkInterface, "type", "veth", "peer", "name", "eth0", "netns", outside);
            }
            foreach (var (ns, address) in new[] { (uplink, UplinkAddress), (outside, OutsideAddress) })
            {
                await Ip(ct, "-n", ns, "addr", "replace", address + "/24", "dev", "eth0");
                await Ip(ct, "-n", ns, "link", "set", "eth0", "up");
            }
            // The routes of an earlier run's ranges go (the link's own route is the kernel's, not among them).
            await Ip(ct, "-n", outside, "route", "flush", "proto", "boot");
            foreach (var range in publicRanges)
                foreach (var cidr in Cidrs(PublicAddressPool.Parse(range)))
                    await Ip(ct, "-n", outside, "route", "replace", cidr, "dev", "eth0");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    private static async Task EnsureNamespaceAsync(string ns, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine("/run/netns", ns)))
            await Ip(ct, "netns", "add", ns);
        await Ip(ct, "-n", ns, "link", "set", "lo", "up");
    }

    private static async Task<bool> HasLinkAsync(string ns, string device, CancellationToken ct) =>
        (await CommandRunner.RunAsync("ip", ["-n", ns, "link", "show", device], TimeSpan.FromSeconds(30), ct)).Code == 0;

    /// <summary>The fewest CIDR blocks that cover the pool's whole configured range.</summary>
    public static IEnumerable<string> Cidrs(PublicAddressPool pool)
    {
        var first = (ulong)pool.RangeFirst;
        while (first <= pool.RangeLast)
        {
            var bits = 0;
            while (bits < 32 && (first & ((2UL << bits) - 1)) == 0 && first + (2UL << bits) - 1 <= pool.RangeLast)
                bits++;
            yield return $"{new System.Net.IPAddress(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness((uint)first))}/{32 - bits}";
            first += 1UL << bits;
        }
    }

    /// <summary>The overlap of two ranges as a message, or null: an address must not be both an elastic IP and a pool address.</summary>
    public static string? Overlap(string elasticIpRange, string publicAddresses)
    {
        if (PublicAddressPool.TryParse(elasticIpRange, out _) is not { } eip || PublicAddressPool.TryParse(publicAddresses, out _) is not { } pool)
            return null; // each option's own check names what is wrong with it
        return eip.RangeFirst <= pool.RangeLast && pool.RangeFirst <= eip.RangeLast
            ? $"The elastic IP range {elasticIpRange} (--elastic-ip-range) and the zone's public addresses {publicAddresses} (--public-addresses) overlap: an address would be both; give them ranges apart."
            : null;
    }

    public async ValueTask DisposeAsync() => await RemoveAsync();

    private async Task RemoveAsync()
    {
        foreach (var ns in new[] { OutsideNamespace, UplinkNamespace, NodeNamespace })
            if (File.Exists(Path.Combine("/run/netns", ns)))
                await CommandRunner.RunAsync("ip", ["netns", "del", ns], TimeSpan.FromSeconds(30));
    }

    private static async Task Ip(CancellationToken ct, params string[] args)
    {
        var (code, _, stderr) = await CommandRunner.RunAsync("ip", args, TimeSpan.FromSeconds(30), ct);
        if (code != 0)
            throw new IOException($"ip {string.Join(' ', args)} failed: {stderr.Trim()}");
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':')
            .Append("/usr/sbin").Append("/sbin").Any(dir => dir.Length > 0 && File.Exists(Path.Combine(dir, tool)));

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();
}
