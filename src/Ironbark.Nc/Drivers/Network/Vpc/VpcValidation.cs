using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Domain;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// What the VPC driver refuses before it changes anything: an interface or a view whose values could not be written
/// into ip, dnsmasq or nft commands as they are meant (InvalidParameterValue, nothing applied).
/// </summary>
internal static partial class VpcValidation
{
    [GeneratedRegex("^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")]
    private static partial Regex MacPattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")]
    private static partial Regex DomainPattern();

    public static void Check(NetworkInterface nic)
    {
        if (!MacPattern().IsMatch(nic.Mac))
            throw Bad($"The VPC interface has MAC '{nic.Mac}'; expected six lower-case hex pairs such as 02:00:00:00:00:01.");
        if (!IPNetwork.TryParse(nic.SubnetCidr, out var subnet) || subnet.BaseAddress.AddressFamily != AddressFamily.InterNetwork || subnet.PrefixLength is < 8 or > 29)
            throw Bad($"The VPC interface has subnet '{nic.SubnetCidr}'; expected an IPv4 CIDR from /8 to /29.");
        if (!IsIpv4(nic.PrivateIp) || !subnet.Contains(IPAddress.Parse(nic.PrivateIp)))
            throw Bad($"The VPC interface has private address '{nic.PrivateIp}', which is not an address of its subnet {nic.SubnetCidr}.");
        if (!IsIpv4(nic.GatewayIp) || !subnet.Contains(IPAddress.Parse(nic.GatewayIp)) || nic.GatewayIp == nic.PrivateIp)
            throw Bad($"The VPC interface has gateway '{nic.GatewayIp}', which is not another address of its subnet {nic.SubnetCidr}.");
        if (nic.Vni is < 1 or > 16_777_215)
            throw Bad($"The VPC interface has VNI {nic.Vni}; expected 1 to 16777215.");
        if (nic.PublicIp.Length > 0 && !IsIpv4(nic.PublicIp))
            throw Bad($"The VPC interface has public address '{nic.PublicIp}', which is not an IPv4 address.");
        if (nic.VpcCidr.Length > 0 && (!IPNetwork.TryParse(nic.VpcCidr, out var vpc) || vpc.BaseAddress.AddressFamily != AddressFamily.InterNetwork))
            throw Bad($"The VPC interface has VPC CIDR '{nic.VpcCidr}', which is not an IPv4 CIDR.");
        if (nic.DnsDomain.Length > 0 && !DomainPattern().IsMatch(nic.DnsDomain))
            throw Bad($"The VPC interface has DNS domain '{nic.DnsDomain}', which is not a domain name.");
    }

    /// <summary>Public addresses and rule ports; member addresses, CIDRs and peers that are not IPv4 are skipped where they are used.</summary>
    public static void Check(NetworkView view)
    {
        foreach (var i in view.Interfaces)
            if (i.PublicIp.Length > 0 && !IsIpv4(i.PublicIp))
                throw Bad($"Interface {i.InterfaceId} has public address '{i.PublicIp}', which is not an IPv4 address.");
        foreach (var g in view.Groups)
            foreach (var rule in g.Ingress.Concat(g.Egress))
            {
                var p = rule.Protocol.ToLowerInvariant();
                var ports = p is "tcp" or "udp" or "6" or "17";
                var icmp = p is "icmp" or "1";
                if (ports && rule.FromPort != -1 && (rule.FromPort is < 0 or > 65535 || rule.ToPort < rule.FromPort || rule.ToPort > 65535))
                    throw Bad($"Group {g.GroupId} has a {p} rule for ports {rule.FromPort}-{rule.ToPort}; expected 0-65535, from not above to (or -1 for all).");
                if (icmp && (rule.FromPort is < -1 or > 255 || rule.ToPort is < -1 or > 255))
                    throw Bad($"Group {g.GroupId} has an icmp rule for type {rule.FromPort} code {rule.ToPort}; expected -1 to 255.");
            }
    }

    private static bool IsIpv4(string s) => IPAddress.TryParse(s, out var a) && a.AddressFamily == AddressFamily.InterNetwork && s.Count(c => c == '.') == 3;

    private static NcException Bad(string message) => NcException.Invalid("InvalidParameterValue", message);
}
