namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// The names and fixed addresses of one VPC's network on a node (docs/network-node.md): its namespace, the devices in
/// it, the veth onto the uplink, and the files under the NC's data directory.
/// </summary>
internal sealed record VpcLayout(uint Vni, string Namespace, string Directory)
{
    public const string Bridge = "br0";
    public const string Tunnel = "vxlan0";
    public const string Uplink = "uplink";
    public const int VxlanPort = 4789;

    /// <summary>The gateway's MAC, the same on every node (a distributed gateway); 0a: is never a VM's (they are 02:).</summary>
    public const string GatewayMac = "0a:1b:00:00:00:01";
    public const string MetadataAddress = "169.254.169.254";

    /// <summary>The veth between the VPC namespace (.2) and the uplink namespace (.1): link-local, never routed anywhere.</summary>
    public const string UplinkSideAddress = "169.254.0.1";
    public const string VpcSideAddress = "169.254.0.2";

    public static VpcLayout For(uint vni, string prefix, string stateDir) =>
        new(vni, $"{prefix}vni{vni}", Path.Combine(stateDir, "network", $"vni-{vni}"));

    /// <summary>The VNI of a namespace of this node, or null when the name is not one of its VPC namespaces.</summary>
    public static uint? VniOf(string ns, string prefix) =>
        ns.StartsWith(prefix + "vni", StringComparison.Ordinal) && uint.TryParse(ns[(prefix.Length + 3)..], out var vni) ? vni : null;

    /// <summary>The uplink end of the veth, in the uplink namespace (device names have at most 15 characters).</summary>
    public string UplinkPeer => $"ibu{Vni}";

    /// <summary>The VXLAN device's name while it is created in the underlay namespace, before it moves into the VPC namespace.</summary>
    public string TunnelInUnderlay => $"ibx{Vni}";

    /// <summary>A VM's tap in the VPC namespace: tap + 12 hex digits of its instance id.</summary>
    public static string TapOf(string instanceId) => "tap" + instanceId[2..Math.Min(instanceId.Length, 14)];

    public string DnsmasqConfig => Path.Combine(Directory, "dnsmasq.conf");
    public string DnsmasqHosts => Path.Combine(Directory, "dhcp-hosts");
    public string DnsmasqPid => Path.Combine(Directory, "dnsmasq.pid");
    public string DnsmasqLeases => Path.Combine(Directory, "dnsmasq.leases");
    public string Ruleset => Path.Combine(Directory, "ruleset.nft");

    /// <summary>The public addresses published on the uplink for this VPC (routes, proxy ARP), to remove after a crash.</summary>
    public string Published => Path.Combine(Directory, "published");
}
