using Grpc.Core;
using Ironbark.Common.Contracts.Cc;

namespace Ironbark.Clc.Tests;

/// <summary>Answers as a Cluster Controller would, whatever certificate it presents, and counts what reached it.</summary>
public sealed class ImpostorCluster : ClusterController.ClusterControllerBase
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        return Task.FromResult(new ClusterResources { Cluster = "impostor", PlacementPolicy = "GREEDY" });
    }
}
