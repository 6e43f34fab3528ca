using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Drivers;

/// <summary>The CC's network records as a node reads them: the whole view (nc.proto; the interface of a launch: InterfaceMessages).</summary>
internal static class NodeNetworkMessages
{
    public static NetworkView View(NodeNetworkView view)
    {
        var message = new NetworkView { Version = view.Version };
        message.Groups.AddRange(view.Groups.Select(Group));
        message.Interfaces.AddRange(view.Interfaces.Select(i => new InterfaceView
        {
            InterfaceId = i.InterfaceId, InstanceId = i.InstanceId, SecurityGroupIds = { i.SecurityGroupIds }, PublicIp = i.PublicIp,
        }));
        message.Peers.AddRange(view.Peers.Select(p => new TunnelPeer { NodeId = p.NodeId, UnderlayIp = p.UnderlayIp, Vnis = { p.Vnis } }));
        return message;
    }

    private static SecurityGroupView Group(SecurityGroupMembers g)
    {
        var view = new SecurityGroupView { GroupId = g.Group.GroupId, VpcId = g.Group.VpcId, MemberIps = { g.MemberIps } };
        view.Ingress.AddRange(g.Group.Ingress.Select(Rule));
        view.Egress.AddRange(g.Group.Egress.Select(Rule));
        return view;
    }

    private static SecurityGroupRule Rule(SecurityGroupRuleDefinition r) => new()
    {
        Protocol = r.Protocol, FromPort = r.FromPort, ToPort = r.ToPort, Cidrs = { r.Cidrs }, Ipv6Cidrs = { r.Ipv6Cidrs },
        SourceGroupIds = { r.SourceGroupIds },
    };
}
