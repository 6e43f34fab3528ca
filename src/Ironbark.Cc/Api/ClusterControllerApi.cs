using Grpc.Core;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Cc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's gRPC API, called by the CLC.</summary>
public sealed class ClusterControllerApi(NodeRegistry registry, CcOptions options) : ClusterController.ClusterControllerBase
{
    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context)
    {
        var answer = new ClusterResources { Cluster = options.Cluster, PlacementPolicy = PlacementPolicy.Name(options.PlacementPolicy) };
        answer.Nodes.AddRange(registry.Nodes.Select(n => new NodeResources
        {
            NodeId = n.NodeId,
            Url = n.Url,
            State = n.Up ? "up" : "down",
            CoresTotal = n.CoresTotal,
            CoresFree = n.CoresFree,
            MemoryMibTotal = n.MemoryMibTotal,
            MemoryMibFree = n.MemoryMibFree,
            Instances = n.Instances,
            LastSeenMs = n.LastSeen?.ToUnixTimeMilliseconds() ?? 0,
            Reason = n.Reason,
        }));
        return Task.FromResult(answer);
    }
}
