using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Domain;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// VPC mode: per VPC (per VNI) on this node a network namespace the NC creates, with a bridge, one tap per VM, the
/// distributed gateway, dnsmasq, nftables (anti-spoofing, security groups, 1:1 NAT), a VXLAN device whose socket lives
/// in the underlay namespace, a veth onto the uplink namespace and the metadata service listening inside it
/// (docs/network-node.md). Every step is idempotent: a restarted NC calls it again for running VMs and rebuilds the same
/// state without touching established connections. One change at a time (a lock); each ends with the ruleset in force.
/// </summary>
public sealed class VpcNetworkDriver : INetworkDriver
{
    private readonly NcOptions _options;
    private readonly ILogger<VpcNetworkDriver> _log;
    private readonly Func<Socket, uint, Task<IAsyncDisposable>> _serveMetadata;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<uint, VpcNetwork> _networks = [];
    private NetworkView _view = new();
    private Dictionary<string, InterfaceView> _viewInterfaces = [];
    private bool _uplinkForwarding;

    /// <param name="serveMetadata">Serves the metadata service on a socket listening in a VPC namespace, for the VMs of that VNI.</param>
    public VpcNetworkDriver(NcOptions options, ILogger<VpcNetworkDriver> log, Func<Socket, uint, Task<IAsyncDisposable>> serveMetadata)
    {
        _options = options;
        _log = log;
        _serveMetadata = serveMetadata;
        if (File.Exists(ViewPath))
            SetView(JsonParser.Default.Parse<NetworkView>(File.ReadAllText(ViewPath)));
    }

    public string Mode => "VPC";

    private string ViewPath => Path.Combine(_options.StateDir, "network", "view.json");
    private string? Underlay => string.IsNullOrEmpty(_options.UnderlayNamespace) ? null : _options.UnderlayNamespace;
    private string? UplinkNs => string.IsNullOrEmpty(_options.UplinkNamespace) ? null : _options.UplinkNamespace;

    public void Validate(NetworkInterface nic) => VpcValidation.Check(nic);

    public async Task<VmNic> PlugAsync(string instanceId, NetworkInterface nic, CancellationToken ct)
    {
        VpcValidation.Check(nic);
        await _lock.WaitAsync(ct);
        try
        {
            if (!_networks.TryGetValue(nic.Vni, out var net))
                _networks[nic.Vni] = net = new VpcNetwork(VpcLayout.For(nic.Vni, _options.NetworkNamespacePrefix, _options.StateDir));
            var tap = VpcLayout.TapOf(instanceId);
            try
            {
                await EnsureNamespaceAsync(net, nic, ct);
                if (!await HostCommand.TryIpAsync(net.Layout.Namespace, ct, "link", "show", tap))
                    await HostCommand.IpAsync(net.Layout.Namespace, ct, "tuntap", "add", "dev", tap, "mode", "tap");
                await HostCommand.IpAsync(net.Layout.Namespace, ct, "link", "set", tap, "mtu", Mtu.ToString(), "master", VpcLayout.Bridge, "up");
                // The bridge learns nothing from a tap: the VM's MAC is a static entry on its own port, so a guest sending
                // frames with another's MAC cannot move that MAC to its port and draw the other's traffic (the bridge learns
                // before the nftables bridge hooks drop the forged frame).
                await HostCommand.RunAsync(null, "bridge", ["-n", net.Layout.Namespace, "link", "set", "dev", tap, "learning", "off"], ct);
                await HostCommand.RunAsync(null, "bridge", ["-n", net.Layout.Namespace, "fdb", "replace", nic.Mac, "dev", tap, "master", "static"], ct);
                net.Interfaces[instanceId] = nic;
                await SyncAsync(net, ct);
            }
            catch
            {
                net.Interfaces.Remove(instanceId);
                await HostCommand.TryIpAsync(net.Layout.Namespace, CancellationToken.None, "link", "del", tap);
                if (net.Interfaces.Count == 0)
                    await TearDownAsync(net);
                throw;
            }
            _log.LogInformation("Instance {InstanceId}: tap {Tap} on VPC {Vni} ({Ip}, {Mac})", instanceId, tap, nic.Vni, nic.PrivateIp, nic.Mac);
            return VmNic.TapIn(nic.Mac, tap, net.Layout.Namespace);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task UnplugAsync(string instanceId, NetworkInterface nic, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (!_networks.TryGetValue(nic.Vni, out var net) || !net.Interfaces.Remove(instanceId))
                return;
            await HostCommand.TryIpAsync(net.Layout.Namespace, ct, "link", "del", VpcLayout.TapOf(instanceId));
            if (net.Interfaces.Count == 0)
                await TearDownAsync(net);
            else
                await SyncAsync(net, ct);
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task<long> ApplyViewAsync(NetworkView view, CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            if (view.Version < _view.Version)
                return _view.Version;
            VpcValidation.Check(view);
            Directory.CreateDirectory(Path.GetDirectoryName(ViewPath)!);
            var temp = ViewPath + ".tmp";
            await File.WriteAllTextAsync(temp, JsonFormatter.Default.Format(view), ct);
            File.Move(temp, ViewPath, overwrite: true);
            SetView(view);
            foreach (var net in _networks.Values)
                await SyncAsync(net, ct);
            return view.Version;
        }
        finally
        {
            _lock.Release();
        }
    }

    public NetworkInterface InForce(NetworkInterface nic)
    {
        if (!_viewInterfaces.TryGetValue(nic.InterfaceId, out var view))
            return nic;
        var now = nic.Clone();
        now.SecurityGroupIds.Clear();
        now.SecurityGroupIds.Add(view.SecurityGroupIds);
        now.PublicIp = view.PublicIp;
        return now;
    }

    public async Task RecoveredAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            await RemoveLeftoversAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    public async Task StopAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            foreach (var net in _networks.Values.ToList())
            {
                if (net.Interfaces.Count == 0)
                    await TearDownAsync(net);
                else
                    await net.CloseListenersAsync();
            }
            await RemoveLeftoversAsync();
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>The MTU of the VMs' network: the underlay's 1500 less VXLAN's 50 bytes, handed out by DHCP.</summary>
    private const int Mtu = 1450;

    private async Task EnsureNamespaceAsync(VpcNetwork net, NetworkInterface nic, CancellationToken ct)
    {
        var l = net.Layout;
        var ns = l.Namespace;
        Directory.CreateDirectory(l.Directory);
        if (!HostCommand.Namespaces().Contains(ns))
        {
            await HostCommand.IpAsync(null, ct, "netns", "add", ns);
            _log.LogInformation("Created network namespace {Namespace} for VPC {VpcId} (VNI {Vni})", ns, nic.VpcId, nic.Vni);
        }
        if (!net.Built)
        {
            await HostCommand.SysctlAsync(ns, "net.ipv4.ip_forward=1", ct);
            await HostCommand.SysctlAsync(ns, "net.ipv6.conf.all.disable_ipv6=1", ct);
            await HostCommand.SysctlAsync(ns, "net.ipv6.conf.default.disable_ipv6=1", ct);
            await HostCommand.IpAsync(ns, ct, "link", "set", "lo", "up");
            if (!await HostCommand.TryIpAsync(ns, ct, "link", "show", VpcLayout.Bridge))
                await HostCommand.IpAsync(ns, ct, "link", "add", VpcLayout.Bridge, "type", "bridge", "nf_call_iptables", "1");
            await HostCommand.IpAsync(ns, ct, "link", "set", VpcLayout.Bridge, "address", VpcLayout.GatewayMac, "mtu", Mtu.ToString(), "up");
            await HostCommand.IpAsync(ns, ct, "addr", "replace", VpcLayout.MetadataAddress + "/32", "dev", VpcLayout.Bridge);
            await EnsureTunnelAsync(l, ct);
            await EnsureUplinkAsync(l, ct);
            net.Built = true;
        }
        var subnet = IPNetwork.Parse(nic.SubnetCidr);
        await HostCommand.IpAsync(ns, ct, "addr", "replace", $"{nic.GatewayIp}/{subnet.PrefixLength}", "dev", VpcLayout.Bridge);
        if (net.Metadata is null)
        {
            var socket = await NamespaceSocket.ListenAsync(ns, new IPEndPoint(IPAddress.Parse(VpcLayout.MetadataAddress), 80));
            net.Metadata = await _serveMetadata(socket, l.Vni);
        }
        foreach (var (port, target) in _options.CloudEndpoints)
            if (!net.Relays.ContainsKey(port))
                net.Relays[port] = EndpointRelay.Start(
                    await NamespaceSocket.ListenAsync(ns, new IPEndPoint(IPAddress.Parse(VpcLayout.MetadataAddress), port)), target, _log);
    }

    /// <summary>The VXLAN device is made in the underlay namespace (its UDP socket stays there) and then moved into the VPC's.</summary>
    private async Task EnsureTunnelAsync(VpcLayout l, CancellationToken ct)
    {
        if (!await HostCommand.TryIpAsync(l.Namespace, ct, "link", "show", VpcLayout.Tunnel))
        {
            await HostCommand.TryIpAsync(Underlay, ct, "link", "del", l.TunnelInUnderlay);
            await HostCommand.IpAsync(Underlay, ct, "link", "add", l.TunnelInUnderlay, "type", "vxlan", "id", l.Vni.ToString(), "local", _options.UnderlayAddress!,
                "dstport", VpcLayout.VxlanPort.ToString());
            await HostCommand.IpAsync(Underlay, ct, "link", "set", l.TunnelInUnderlay, "netns", l.Namespace);
            await HostCommand.IpAsync(l.Namespace, ct, "link", "set", l.TunnelInUnderlay, "name", VpcLayout.Tunnel);
        }
        await HostCommand.IpAsync(l.Namespace, ct, "link", "set", VpcLayout.Tunnel, "mtu", Mtu.ToString(), "master", VpcLayout.Bridge, "up");
    }

    /// <summary>The veth onto the uplink namespace and the namespace's default route through it.</summary>
    private async Task EnsureUplinkAsync(VpcLayout l, CancellationToken ct)
    {
        var ns = l.Namespace;
        if (!await HostCommand.TryIpAsync(ns, ct, "link", "show", VpcLayout.Uplink))
        {
            // A peer without its other end is what a crashed or dying namespace left.
            await HostCommand.TryIpAsync(UplinkNs, ct, "link", "del", l.UplinkPeer);
            await HostCommand.IpAsync(ns, ct, "link", "add", VpcLayout.Uplink, "type", "veth", "peer", "name", l.UplinkPeer,
                "netns", UplinkNs ?? Environment.ProcessId.ToString());
        }
        await HostCommand.IpAsync(ns, ct, "addr", "replace", VpcLayout.VpcSideAddress + "/32", "dev", VpcLayout.Uplink);
        await HostCommand.IpAsync(ns, ct, "link", "set", VpcLayout.Uplink, "up");
        await HostCommand.IpAsync(ns, ct, "route", "replace", VpcLayout.UplinkSideAddress, "dev", VpcLayout.Uplink, "scope", "link");
        await HostCommand.IpAsync(ns, ct, "route", "replace", "default", "via", VpcLayout.UplinkSideAddress, "dev", VpcLayout.Uplink);
        await HostCommand.IpAsync(UplinkNs, ct, "addr", "replace", VpcLayout.UplinkSideAddress + "/32", "dev", l.UplinkPeer);
        await HostCommand.IpAsync(UplinkNs, ct, "link", "set", l.UplinkPeer, "up");
        if (!_uplinkForwarding)
        {
            // The uplink namespace routes the public /32s to the VPC namespaces and answers ARP for them (proxy ARP needs forwarding).
            await HostCommand.SysctlAsync(UplinkNs, "net.ipv4.ip_forward=1", ct);
            // The kernel holds back each proxy ARP answer for a random time up to proxy_delay (0.8 s by default), so a host
            // that answers for itself wins; the NC is the only one answering for its public addresses, and the delay made
            // a new elastic IP unreachable for up to that long (bench/run-network, phase addresses). sysctl writes a dot in a
            // device name (eth0.100) as a slash.
            await HostCommand.SysctlAsync(UplinkNs, $"net.ipv4.neigh.{_options.UplinkInterface!.Replace('.', '/')}.proxy_delay=0", ct);
            _uplinkForwarding = true;
        }
    }

    /// <summary>Brings DHCP, the ruleset, the tunnel peers and the published public addresses of one VPC to what is in force now.</summary>
    private async Task SyncAsync(VpcNetwork net, CancellationToken ct)
    {
        var l = net.Layout;
        var interfaces = net.Interfaces.Select(kv => (Id: kv.Key, Nic: InForce(kv.Value))).ToList();
        var ports = interfaces.Select(i => new VpcPort(i.Id, VpcLayout.TapOf(i.Id), i.Nic.Mac, i.Nic.PrivateIp, i.Nic.SecurityGroupIds.ToList(),
            i.Nic.PublicIp.Length > 0 ? i.Nic.PublicIp : null)).OrderBy(p => p.PrivateIp, StringComparer.Ordinal).ToList();
        var subnets = interfaces.Select(i => (i.Nic.SubnetCidr, i.Nic.GatewayIp)).Distinct().ToList();
        var first = interfaces.Select(i => i.Nic).FirstOrDefault();
        await SyncDhcpAsync(net, ports, subnets, first?.DnsDomain ?? "", first is { VpcCidr.Length: > 0 } ? first.VpcCidr : first?.SubnetCidr ?? "", ct);

        var groups = _view.Groups.GroupBy(g => g.GroupId).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        var ruleset = VpcRuleset.Render(ports, groups, subnets.Select(s => s.GatewayIp).ToList(), [80, .. _options.CloudEndpoints.Keys.Order()]);
        if (ruleset != net.AppliedRuleset)
        {
            await File.WriteAllTextAsync(l.Ruleset, ruleset, ct);
            await HostCommand.RunAsync(l.Namespace, "nft", ["-f", l.Ruleset], ct);
            net.AppliedRuleset = ruleset;
        }
        await SyncPeersAsync(l, ct);
        await SyncPublishedAsync(net, ports.Where(p => p.PublicIp is not null).Select(p => p.PublicIp!).ToHashSet(StringComparer.Ordinal), ct);
    }

    private static async Task SyncDhcpAsync(VpcNetwork net, IReadOnlyList<VpcPort> ports, IReadOnlyCollection<(string, string)> subnets, string domain,
        string vpcCidr, CancellationToken ct)
    {
        var l = net.Layout;
        var config = Dnsmasq.Config(l, subnets, domain, vpcCidr, Mtu);
        var hosts = Dnsmasq.Hosts(ports);
        var configChanged = !File.Exists(l.DnsmasqConfig) || await File.ReadAllTextAsync(l.DnsmasqConfig, ct) != config;
        var hostsChanged = !File.Exists(l.DnsmasqHosts) || await File.ReadAllTextAsync(l.DnsmasqHosts, ct) != hosts;
        await File.WriteAllTextAsync(l.DnsmasqHosts, hosts, ct);
        if (configChanged)
            await File.WriteAllTextAsync(l.DnsmasqConfig, config, ct);
        var pid = Dnsmasq.Running(l);
        if (pid is not null && configChanged)
        {
            await Dnsmasq.StopAsync(l);
            pid = null;
        }
        if (pid is null)
            await Dnsmasq.StartAsync(l, ct);
        else if (hostsChanged)
            Dnsmasq.Reload(pid.Value);
    }

    /// <summary>Head-end replication: an all-zero fdb entry per other node that has this VNI, so broadcasts reach exactly those.</summary>
    private async Task SyncPeersAsync(VpcLayout l, CancellationToken ct)
    {
        var wanted = _view.Peers.Where(p => p.Vnis.Contains(l.Vni) && p.NodeId != _options.NodeId && p.UnderlayIp != _options.UnderlayAddress
                                           && IPAddress.TryParse(p.UnderlayIp, out _))
            .Select(p => p.UnderlayIp).ToHashSet(StringComparer.Ordinal);
        var (_, fdb, _) = await HostCommand.TryAsync(null, "bridge", ["-n", l.Namespace, "fdb", "show", "dev", VpcLayout.Tunnel], ct);
        var present = fdb.Split('\n').Where(line => line.StartsWith("00:00:00:00:00:00 dst ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')[2]).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in present.Except(wanted))
            await HostCommand.RunAsync(null, "bridge", ["-n", l.Namespace, "fdb", "del", "00:00:00:00:00:00", "dev", VpcLayout.Tunnel, "dst", gone], ct);
        foreach (var added in wanted.Except(present))
            await HostCommand.RunAsync(null, "bridge", ["-n", l.Namespace, "fdb", "append", "00:00:00:00:00:00", "dev", VpcLayout.Tunnel, "dst", added], ct);
    }

    /// <summary>Each public address: a /32 route towards the VPC namespace and proxy ARP on the uplink, so the outside reaches it.</summary>
    private async Task SyncPublishedAsync(VpcNetwork net, HashSet<string> wanted, CancellationToken ct)
    {
        var l = net.Layout;
        net.Published ??= File.Exists(l.Published) ? (await File.ReadAllLinesAsync(l.Published, ct)).Where(a => a.Length > 0).ToHashSet(StringComparer.Ordinal) : [];
        foreach (var gone in net.Published.Except(wanted).ToList())
        {
            await UnpublishAsync(l, gone);
            net.Published.Remove(gone);
        }
        foreach (var address in wanted)
        {
            await HostCommand.IpAsync(UplinkNs, ct, "route", "replace", address + "/32", "via", VpcLayout.VpcSideAddress, "dev", l.UplinkPeer, "onlink");
            await HostCommand.IpAsync(UplinkNs, ct, "neigh", "replace", "proxy", address, "dev", _options.UplinkInterface!);
            net.Published.Add(address);
        }
        await File.WriteAllLinesAsync(l.Published, net.Published, ct);
    }

    private async Task UnpublishAsync(VpcLayout l, string address)
    {
        await HostCommand.TryIpAsync(UplinkNs, CancellationToken.None, "route", "del", address + "/32", "dev", l.UplinkPeer);
        await HostCommand.TryIpAsync(UplinkNs, CancellationToken.None, "neigh", "del", "proxy", address, "dev", _options.UplinkInterface!);
    }

    /// <summary>Removes one VPC's whole network on this node: metadata listener, dnsmasq, published addresses, the namespace, its files.</summary>
    private async Task TearDownAsync(VpcNetwork net)
    {
        await net.CloseListenersAsync();
        await RemoveAsync(net.Layout);
        _networks.Remove(net.Layout.Vni);
        _log.LogInformation("Removed network namespace {Namespace} (VNI {Vni}): its last VM is gone", net.Layout.Namespace, net.Layout.Vni);
    }

    private async Task RemoveAsync(VpcLayout l)
    {
        await Dnsmasq.StopAsync(l);
        if (File.Exists(l.Published))
            foreach (var address in await File.ReadAllLinesAsync(l.Published))
                if (address.Length > 0)
                    await UnpublishAsync(l, address);
        if (HostCommand.Namespaces().Contains(l.Namespace))
        {
            // The VXLAN device and the uplink veth go first, by themselves: the tunnel's VNI is registered in the underlay
            // namespace and the veth's peer lives in the uplink one, while a deleted namespace dies only when the kernel gets
            // round to it (later still while a QEMU that is exiting holds a tap); left to die with it they would refuse a
            // new tunnel of the same VNI ("VNI already exists") and a new peer of the same name ("File exists") that long.
            await HostCommand.TryIpAsync(l.Namespace, CancellationToken.None, "link", "del", VpcLayout.Tunnel);
            await HostCommand.TryIpAsync(l.Namespace, CancellationToken.None, "link", "del", VpcLayout.Uplink);
            await HostCommand.IpAsync(null, CancellationToken.None, "netns", "del", l.Namespace);
        }
        if (Directory.Exists(l.Directory))
            Directory.Delete(l.Directory, recursive: true);
    }

    /// <summary>Namespaces with this NC's prefix (and their files) that no running VM uses: what a crash or a failed start left.</summary>
    private async Task RemoveLeftoversAsync()
    {
        var prefix = _options.NetworkNamespacePrefix;
        var vnis = HostCommand.Namespaces().Select(ns => VpcLayout.VniOf(ns, prefix)).OfType<uint>().ToHashSet();
        var dirs = Path.Combine(_options.StateDir, "network");
        if (Directory.Exists(dirs))
            foreach (var dir in Directory.EnumerateDirectories(dirs, "vni-*"))
                if (uint.TryParse(Path.GetFileName(dir)[4..], out var vni))
                    vnis.Add(vni);
        foreach (var vni in vnis.Where(v => !_networks.ContainsKey(v)))
        {
            _log.LogWarning("Removing the network of VNI {Vni}, which no running VM uses (left from before)", vni);
            await RemoveAsync(VpcLayout.For(vni, prefix, _options.StateDir));
        }
    }

    private void SetView(NetworkView view)
    {
        _view = view;
        _viewInterfaces = view.Interfaces.GroupBy(i => i.InterfaceId).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    }

    /// <summary>One VPC's network on this node, as the driver last built it.</summary>
    private sealed class VpcNetwork(VpcLayout layout)
    {
        public VpcLayout Layout { get; } = layout;
        public Dictionary<string, NetworkInterface> Interfaces { get; } = new(StringComparer.Ordinal);
        public IAsyncDisposable? Metadata { get; set; }

        /// <summary>The cloud's endpoints relayed at the metadata address, by port (NcOptions.CloudEndpoints).</summary>
        public Dictionary<int, EndpointRelay> Relays { get; } = [];

        /// <summary>The metadata service and the relays: they live in this process, the VPC's VMs outlive it.</summary>
        public async Task CloseListenersAsync()
        {
            if (Metadata is { } metadata)
            {
                Metadata = null;
                await metadata.DisposeAsync();
            }
            foreach (var relay in Relays.Values)
                await relay.DisposeAsync();
            Relays.Clear();
        }
        public HashSet<string>? Published { get; set; }
        public string? AppliedRuleset { get; set; }
        public bool Built { get; set; }
    }
}
