using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Cc;

namespace Ironbark.Clc.Drivers;

/// <summary>What a CC answers, as the CLC's own records.</summary>
internal static class ClusterWire
{
    public static InstanceReport ToReport(ClusterInstance instance) => new(instance.Status.InstanceId, instance.Status.State,
        instance.Status.Reason, instance.NodeId, instance.NodeUp, MetadataOptionsWire.FromMessage(instance.Status.MetadataOptions));

    public static ZoneResources ToResources(ClusterResources resources) => new(resources.Cluster,
        resources.Nodes.Select(n => new NodeCapacity(n.NodeId, n.State == "up", n.CoresTotal, n.CoresFree, n.MemoryMibTotal, n.MemoryMibFree)).ToList(),
        resources.LaunchingInstanceIds.ToList());
}
