using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// The nftables ruleset of one VPC namespace, written whole and applied atomically with `nft -f` (a table is deleted and
/// made again in one transaction; conntrack keeps established connections). Two tables:
/// <list type="bullet">
/// <item>bridge ironbark: anti-spoofing per tap (its MAC, its IP, ARP for its IP, DHCP from 0.0.0.0), and the
/// distributed gateway kept off the tunnel (the gateway's MAC, ARP for it, DHCP).</item>
/// <item>inet ironbark: stateful security groups on the forward hook (bridged frames reach it through br_netfilter:
/// the per-VM filtering between two VMs of one bridge), a set of member addresses per source group, the 1:1 NAT of
/// public addresses and what the namespace itself answers (DHCP, DNS, metadata).</item>
/// </list>
/// Anti-spoofing makes a source address stand for its tap, so the inet table can key each VM's chains by address.
/// </summary>
internal static class VpcRuleset
{
    /// <param name="metadataPorts">The TCP ports the namespace answers at the metadata address: 80 and the cloud's relayed endpoints.</param>
    public static string Render(IReadOnlyList<VpcPort> ports, IReadOnlyDictionary<string, SecurityGroupView> groups, IReadOnlyCollection<string> gateways,
        IReadOnlyCollection<int>? metadataPorts = null)
    {
        var s = new StringBuilder();
        s.AppendLine("table bridge ironbark {}").AppendLine("delete table bridge ironbark");
        s.AppendLine("table inet ironbark {}").AppendLine("delete table inet ironbark");
        Bridge(s, ports, gateways);
        Inet(s, ports, groups, gateways, metadataPorts is { Count: > 0 } ? metadataPorts : [80]);
        return s.ToString();
    }

    private static void Bridge(StringBuilder s, IReadOnlyList<VpcPort> ports, IReadOnlyCollection<string> gateways)
    {
        var t = VpcLayout.Tunnel;
        var gws = Set(gateways);
        var fromTaps = ports.Count == 0 ? "" : $"\t\tiifname vmap {{ {string.Join(", ", ports.Select(p => $"\"{p.Tap}\" : jump from_{p.Tap}"))} }}\n";
        s.Append($$"""
            table bridge ironbark {
            	chain l2_forward {
            		type filter hook forward priority -200; policy accept;
            {{fromTaps}}		oifname "{{t}}" jump to_tunnel
            		iifname "{{t}}" jump from_tunnel
            	}
            	chain l2_input {
            		type filter hook input priority -200; policy accept;
            {{fromTaps}}		iifname "{{t}}" jump from_tunnel
            	}
            	chain l2_output {
            		type filter hook output priority -200; policy accept;
            		oifname "{{t}}" jump to_tunnel
            	}
            	chain to_tunnel {
            		ether saddr {{VpcLayout.GatewayMac}} drop
            		ether type arp arp daddr ip {{gws}} drop
            		ether type ip udp dport { 67, 68 } drop
            	}
            	chain from_tunnel {
            		ether saddr {{VpcLayout.GatewayMac}} drop
            		ether type arp arp daddr ip {{gws}} drop
            		ether type ip udp dport { 67, 68 } drop
            	}

            """);
        foreach (var p in ports)
            s.Append($$"""
                	chain from_{{p.Tap}} {
                		ether saddr != {{p.Mac}} drop
                		ether type arp arp saddr ether != {{p.Mac}} drop
                		ether type arp arp saddr ip != { 0.0.0.0, {{p.PrivateIp}} } drop
                		ether type arp return
                		ether type ip ip saddr 0.0.0.0 udp sport 68 udp dport 67 return
                		ether type ip ip saddr != {{p.PrivateIp}} drop
                		ether type ip udp sport 67 drop
                		ether type ip return
                		drop
                	}

                """);
        s.AppendLine("}");
    }

    private static void Inet(StringBuilder s, IReadOnlyList<VpcPort> ports, IReadOnlyDictionary<string, SecurityGroupView> groups, IReadOnlyCollection<string> gateways,
        IReadOnlyCollection<int> metadataPorts)
    {
        var local = ports;
        var sources = local.SelectMany(p => p.Groups).Where(groups.ContainsKey)
            .SelectMany(g => groups[g].Ingress.Concat(groups[g].Egress)).SelectMany(r => r.SourceGroupIds).Distinct(StringComparer.Ordinal).ToList();
        s.AppendLine("table inet ironbark {");
        foreach (var g in sources)
        {
            var members = groups.TryGetValue(g, out var view) ? view.MemberIps.Where(IsIpv4).Distinct(StringComparer.Ordinal).ToList() : [];
            s.Append($"\tset {SetName(g)} {{\n\t\ttype ipv4_addr\n{(members.Count == 0 ? "" : $"\t\telements = {{ {string.Join(", ", members)} }}\n")}\t}}\n");
        }
        var natted = local.Where(p => p.PublicIp is not null).ToList();
        var uplink = VpcLayout.Uplink;
        s.Append($$"""
            	chain namespace_input {
            		type filter hook input priority 0; policy drop;
            		iifname "lo" accept
            		ct state established,related accept
            		iifname "{{VpcLayout.Bridge}}" udp dport 67 accept
            		iifname "{{VpcLayout.Bridge}}" ip daddr {{Set(gateways)}} udp dport 53 accept
            		iifname "{{VpcLayout.Bridge}}" ip daddr {{Set(gateways)}} tcp dport 53 accept
            		iifname "{{VpcLayout.Bridge}}" ip daddr {{VpcLayout.MetadataAddress}} tcp dport {{Set(metadataPorts.Select(p => p.ToString()))}} accept
            		iifname "{{VpcLayout.Bridge}}" ip daddr {{Set(gateways)}} icmp type echo-request accept
            	}
            	chain vm_forward {
            		type filter hook forward priority 0; policy drop;
            		ct state established,related accept
            		ct state invalid drop
            		meta nfproto ipv6 drop

            """);
        if (local.Count > 0)
            s.Append($"\t\tip saddr vmap {{ {string.Join(", ", local.Select(p => $"{p.PrivateIp} : jump egress_{p.Tap}"))} }}\n");
        // Out to the internet only through the sender's own public address (1:1 NAT below); in from it only what was NATed to a VM.
        s.Append(natted.Count == 0 ? $"\t\toifname \"{uplink}\" drop\n" : $"\t\toifname \"{uplink}\" ip saddr != {Set(natted.Select(p => p.PrivateIp))} drop\n");
        s.Append($"\t\tiifname \"{uplink}\" ct status & dnat != dnat drop\n");
        if (local.Count > 0)
            s.Append($"\t\tip daddr vmap {{ {string.Join(", ", local.Select(p => $"{p.PrivateIp} : jump ingress_{p.Tap}"))} }}\n");
        // Neither end is a VM of this node (a flooded frame between other nodes' VMs, or out to the internet after egress): theirs to filter.
        s.Append("\t\tmeta nfproto ipv4 accept\n\t}\n");
        foreach (var p in local)
        {
            var rules = p.Groups.Where(groups.ContainsKey).Select(g => groups[g]).ToList();
            s.Append($"\tchain egress_{p.Tap} {{\n");
            foreach (var rule in rules.SelectMany(g => g.Egress))
                foreach (var line in Match(rule, "daddr"))
                    s.Append($"\t\t{line} return\n");
            s.Append("\t\tdrop\n\t}\n");
            s.Append($"\tchain ingress_{p.Tap} {{\n");
            foreach (var rule in rules.SelectMany(g => g.Ingress))
                foreach (var line in Match(rule, "saddr"))
                    s.Append($"\t\t{line} accept\n");
            s.Append("\t\tdrop\n\t}\n");
        }
        s.Append("\tchain nat_prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
        if (natted.Count > 0)
            s.Append($"\t\tiifname \"{uplink}\" dnat ip to ip daddr map {{ {string.Join(", ", natted.Select(p => $"{p.PublicIp} : {p.PrivateIp}"))} }}\n");
        s.Append("\t}\n\tchain nat_postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        if (natted.Count > 0)
            s.Append($"\t\toifname \"{uplink}\" snat ip to ip saddr map {{ {string.Join(", ", natted.Select(p => $"{p.PrivateIp} : {p.PublicIp}"))} }}\n");
        s.AppendLine("\t}\n}");
    }

    /// <summary>
    /// The nft matches of one rule, one line per peer (a CIDR or a source group's set); none when the rule has no IPv4
    /// peer (IPv6 ranges are accepted and ignored: the guests have no IPv6) or a protocol an IPv4 guest cannot use.
    /// </summary>
    internal static IEnumerable<string> Match(SecurityGroupRule rule, string peerField)
    {
        var protocol = Protocol(rule);
        if (protocol is null)
            yield break;
        foreach (var cidr in rule.Cidrs.Where(IsIpv4Cidr))
            yield return Join($"ip {peerField} {cidr}", protocol);
        foreach (var g in rule.SourceGroupIds)
            yield return Join($"ip {peerField} @{SetName(g)}", protocol);
    }

    private static string Join(string peer, string protocol) => protocol.Length == 0 ? peer : $"{peer} {protocol}";

    /// <summary>"" for all traffic, the nft protocol match otherwise, null for what no IPv4 packet matches (icmpv6).</summary>
    private static string? Protocol(SecurityGroupRule rule)
    {
        var p = rule.Protocol.ToLowerInvariant();
        switch (p)
        {
            case "-1" or "all" or "":
                return "";
            case "tcp" or "6" or "udp" or "17":
                var name = p is "tcp" or "6" ? "tcp" : "udp";
                return (rule.FromPort, rule.ToPort) switch
                {
                    (-1, _) or (0, 65535) => $"meta l4proto {name}",
                    var (from, to) when from == to => $"{name} dport {from}",
                    var (from, to) => $"{name} dport {from}-{to}",
                };
            case "icmp" or "1":
                return "meta l4proto icmp" + (rule.FromPort >= 0 ? $" icmp type {rule.FromPort}" : "") + (rule.FromPort >= 0 && rule.ToPort >= 0 ? $" icmp code {rule.ToPort}" : "");
            case "icmpv6" or "58":
                return null;
            default:
                return int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number is >= 0 and <= 255 ? $"meta l4proto {number}" : null;
        }
    }

    /// <summary>An nft set name for a group id (sg-0123… becomes sg_0123…).</summary>
    public static string SetName(string groupId) => "g_" + new string(groupId.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static string Set(IEnumerable<string> addresses)
    {
        var list = addresses.Distinct(StringComparer.Ordinal).ToList();
        return list.Count == 1 ? list[0] : $"{{ {string.Join(", ", list)} }}";
    }

    private static bool IsIpv4(string s) => IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetwork && s.Count(c => c == '.') == 3;

    private static bool IsIpv4Cidr(string s) => IPNetwork.TryParse(s, out var n) && n.BaseAddress.AddressFamily == AddressFamily.InterNetwork;
}
