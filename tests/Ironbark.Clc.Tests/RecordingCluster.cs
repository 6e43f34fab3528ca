using System.Collections.Concurrent;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Tests;

/// <summary>
/// A Cluster Controller without nodes, for what a CLC sends: it keeps every RunInstance request as it arrived and
/// reports those instances running (with the metadata options they asked for) from then on.
/// </summary>
public sealed class RecordingCluster : ClusterController.ClusterControllerBase
{
    private readonly ConcurrentDictionary<string, RunInstanceRequest> _launched = new();

    public IReadOnlyDictionary<string, RunInstanceRequest> Launched => _launched;

    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterResources { Cluster = "recording", PlacementPolicy = "GREEDY" });

    public override Task<ClusterInstance> RunInstance(RunInstanceRequest request, ServerCallContext context)
    {
        _launched.TryAdd(request.InstanceId, request);
        return Task.FromResult(Running(request));
    }

    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterInstances { Instances = { _launched.Values.Select(Running) } });

    private static ClusterInstance Running(RunInstanceRequest request) => new()
    {
        Status = new InstanceStatus { InstanceId = request.InstanceId, State = "running", MetadataOptions = request.MetadataOptions },
        NodeId = "node-recording", NodeUp = true,
    };
}
