using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using SecurityGroup = Ironbark.Clc.Domain.SecurityGroup;
using SecurityGroupRule = Ironbark.Common.Contracts.Nc.SecurityGroupRule;

namespace Ironbark.Clc.Drivers;

/// <summary>What a CC answers, as the CLC's own records.</summary>
internal static class ClusterWire
{
    public static InstanceReport ToReport(ClusterInstance instance) => new(instance.Status.InstanceId, instance.Status.State,
        instance.Status.Reason, instance.NodeId, instance.NodeUp, MetadataOptionsWire.FromMessage(instance.Status.MetadataOptions),
        ToAllocationOrNull(instance.Network));

    /// <summary>The interface as the CC allocated it; null for anything but a VPC interface with its MAC.</summary>
    public static InterfaceAllocation? ToAllocationOrNull(NetworkInterface? nic) =>
        nic is { Mode: LaunchWire.VpcMode, Mac.Length: > 0 } ? new(nic.Mac, nic.PrivateIp, nic.PrivateDnsName, nic.PublicIp, [.. nic.SecurityGroupIds]) : null;

    /// <summary>The security groups of every account as the CC's view takes them (the members are the CC's to know).</summary>
    public static SecurityGroupSet ToGroupSet(long version, IEnumerable<SecurityGroup> groups) => new()
    {
        Version = version,
        Groups =
        {
            groups.Select(g => new SecurityGroupView
            {
                GroupId = g.GroupId, VpcId = g.VpcId ?? "",
                Ingress = { g.Rules.Where(r => !r.IsEgress).Select(ToRule) }, Egress = { g.Rules.Where(r => r.IsEgress).Select(ToRule) },
            }),
        },
    };

    private static SecurityGroupRule ToRule(Domain.SecurityGroupRule rule)
    {
        var wire = new SecurityGroupRule { Protocol = rule.IpProtocol, FromPort = rule.FromPort ?? -1, ToPort = rule.ToPort ?? -1 };
        if (rule.CidrIpv4 is { } cidr)
            wire.Cidrs.Add(cidr);
        if (rule.CidrIpv6 is { } cidr6)
            wire.Ipv6Cidrs.Add(cidr6);
        if (rule.ReferencedGroupId is { } source)
            wire.SourceGroupIds.Add(source);
        return wire;
    }

    public static ZoneResources ToResources(ClusterResources resources) => new(resources.Cluster,
        resources.Nodes.Select(n => new NodeCapacity(n.NodeId, n.State == "up", n.CoresTotal, n.CoresFree, n.MemoryMibTotal, n.MemoryMibFree)).ToList(),
        resources.LaunchingInstanceIds.ToList());
}
