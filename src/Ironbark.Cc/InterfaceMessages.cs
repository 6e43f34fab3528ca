using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc;

/// <summary>
/// An interface as nc.proto's NetworkInterface: what the CC answers the CLC (cc.proto reuses the type) and what it sends
/// the node with a launch are the same message, so its Api/ and its node client share this one mapping.
/// </summary>
internal static class InterfaceMessages
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
}
