using Ironbark.Cc.Domain;

namespace Ironbark.Cc.Store;

/// <summary>One row of cc_interfaces (joined with its network's tunnel id), as Dapper reads it.</summary>
internal sealed class InterfaceRow
{
    public const string Select = "SELECT i.interface_id, i.instance_id, i.vpc_id, i.subnet_id, i.subnet_cidr, i.vpc_cidr, i.gateway_ip, i.mac, " +
        "i.private_ip, i.private_dns_name, i.dns_domain, i.security_group_ids, i.assign_public_ip, i.public_ip, i.public_kind, i.node_url, n.vni " +
        "FROM cc_interfaces i JOIN cc_networks n ON n.vpc_id = i.vpc_id";

    public string InterfaceId { get; set; } = "";
    public string InstanceId { get; set; } = "";
    public string VpcId { get; set; } = "";
    public string SubnetId { get; set; } = "";
    public string SubnetCidr { get; set; } = "";
    public string VpcCidr { get; set; } = "";
    public string GatewayIp { get; set; } = "";
    public string Mac { get; set; } = "";
    public string PrivateIp { get; set; } = "";
    public string PrivateDnsName { get; set; } = "";
    public string DnsDomain { get; set; } = "";
    public string SecurityGroupIds { get; set; } = "";
    public bool AssignPublicIp { get; set; }
    public string? PublicIp { get; set; }
    public string PublicKind { get; set; } = "";
    public string NodeUrl { get; set; } = "";
    public long Vni { get; set; }

    public VpcInterface ToInterface() => new()
    {
        InterfaceId = InterfaceId, InstanceId = InstanceId, VpcId = VpcId, SubnetId = SubnetId, SubnetCidr = SubnetCidr, VpcCidr = VpcCidr,
        GatewayIp = GatewayIp, Mac = Mac, PrivateIp = PrivateIp, PrivateDnsName = PrivateDnsName, DnsDomain = DnsDomain,
        SecurityGroupIds = Groups(SecurityGroupIds), AssignPublicIp = AssignPublicIp, PublicIp = PublicIp ?? "",
        PublicKind = Kind(PublicKind), NodeUrl = NodeUrl, Vni = (uint)Vni,
    };

    public static string Groups(IEnumerable<string> ids) => string.Join(',', ids);

    public static IReadOnlyList<string> Groups(string text) => text.Length == 0 ? [] : text.Split(',');

    public static string Kind(PublicAddressKind kind) => kind.ToString().ToLowerInvariant();

    private static PublicAddressKind Kind(string text) => Enum.Parse<PublicAddressKind>(text, ignoreCase: true);
}
