using System.Collections.Concurrent;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Tests;

/// <summary>
/// A Cluster Controller with room for many instances and no real nodes: it runs what it is sent at once, terminates
/// on request, and keeps every interface change it is sent (groups, elastic IPs) in arrival order.
/// </summary>
public sealed class NetworkRecordingCluster : ClusterController.ClusterControllerBase
{
    private readonly ConcurrentDictionary<string, string> _states = new();

    /// <summary>"SetInterfaceGroups eni-… sg-a,sg-b", "AssociateAddress eni-… 198.51.100.1", "DisassociateAddress eni-… 198.51.100.1".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterResources
        {
            Cluster = "network-recording", PlacementPolicy = "GREEDY",
            Nodes = { new NodeResources { NodeId = "node-r", Url = "https://node-r", State = "up", CoresTotal = 64, CoresFree = 64, MemoryMibTotal = 65536, MemoryMibFree = 65536 } },
        });

    public override Task<ClusterInstance> RunInstance(RunInstanceRequest request, ServerCallContext context) =>
        Task.FromResult(Report(request.InstanceId, _states.GetOrAdd(request.InstanceId, "running")));

    public override Task<ClusterInstance> TerminateInstance(InstanceRef request, ServerCallContext context)
    {
        _states[request.InstanceId] = "terminated";
        return Task.FromResult(Report(request.InstanceId, "terminated"));
    }

    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterInstances { Instances = { _states.Select(s => Report(s.Key, s.Value)) } });

    public override Task<NetworkInterface> SetInterfaceGroups(InterfaceGroups request, ServerCallContext context)
    {
        Calls.Enqueue($"SetInterfaceGroups {request.InterfaceId} {string.Join(",", request.SecurityGroupIds)}");
        return Task.FromResult(new NetworkInterface { InterfaceId = request.InterfaceId });
    }

    public override Task<NetworkInterface> AssociateAddress(AddressAssociation request, ServerCallContext context)
    {
        Calls.Enqueue($"AssociateAddress {request.InterfaceId} {request.PublicIp}");
        return Task.FromResult(new NetworkInterface { InterfaceId = request.InterfaceId, PublicIp = request.PublicIp });
    }

    public override Task<NetworkInterface> DisassociateAddress(AddressAssociation request, ServerCallContext context)
    {
        Calls.Enqueue($"DisassociateAddress {request.InterfaceId} {request.PublicIp}");
        return Task.FromResult(new NetworkInterface { InterfaceId = request.InterfaceId });
    }

    private static ClusterInstance Report(string instanceId, string state) => new()
    {
        Status = new InstanceStatus { InstanceId = instanceId, State = state, MetadataOptions = new MetadataOptions { HttpTokens = "optional", HttpPutResponseHopLimit = 1, HttpEndpoint = "enabled" } },
        NodeId = "node-r", NodeUp = true,
    };
}
