using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's network records as the CLC sees them: the interface it answers (nc.proto's NetworkInterface) and the group definitions it is sent.</summary>
internal static class NetworkMessages
{
    public static NetworkInterface Interface(NetworkAttachment attachment) =>
        attachment.Vpc is { } vpc && attachment.IsVpc ? Interface(vpc) : new NetworkInterface
        {
            Mode = attachment.Mode, Mac = attachment.Mac, PrivateIp = attachment.PrivateIp,
        };

    /// <summary>The interface as the CC allocated it, in mode VPC.</summary>
    public static NetworkInterface Interface(VpcInterface i) => new()
    {
        Mode = NetworkAttachment.VpcMode,
        Mac = i.Mac,
        PrivateIp = i.PrivateIp,
        InterfaceId = i.InterfaceId,
        VpcId = i.VpcId,
        SubnetId = i.SubnetId,
        SubnetCidr = i.SubnetCidr,
        GatewayIp = i.GatewayIp,
        Vni = i.Vni,
        PublicIp = i.PublicIp,
        SecurityGroupIds = { i.SecurityGroupIds },
        PrivateDnsName = i.PrivateDnsName,
        VpcCidr = i.VpcCidr,
        DnsDomain = i.DnsDomain,
        AssignPublicIp = i.AssignPublicIp,
    };

    /// <summary>A group's definition as the CLC sends it (its member_ips, if any, are not read: the CC knows the members).</summary>
    public static SecurityGroupDefinition Definition(SecurityGroupView group) =>
        new(group.GroupId, group.VpcId, [.. group.Ingress.Select(Rule)], [.. group.Egress.Select(Rule)]);

    private static SecurityGroupRuleDefinition Rule(SecurityGroupRule r) =>
        new(r.Protocol, r.FromPort, r.ToPort, [.. r.Cidrs], [.. r.Ipv6Cidrs], [.. r.SourceGroupIds]);
}
