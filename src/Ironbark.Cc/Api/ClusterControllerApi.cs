using Grpc.Core;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's gRPC API, called by the CLC; the one place where cluster errors become gRPC statuses.</summary>
public sealed class ClusterControllerApi(NodeRegistry registry, InstanceMap instances, InstancePlacer placer, InstanceForwarder forwarder,
    CcOptions options) : ClusterController.ClusterControllerBase
{
    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context)
    {
        var answer = new ClusterResources { Cluster = options.Cluster, PlacementPolicy = PlacementPolicy.Name(options.PlacementPolicy) };
        foreach (var n in registry.Nodes)
        {
            // Launches in flight are taken off what is free, as placement sees it.
            var available = placer.Available(n);
            answer.Nodes.Add(new NodeResources
            {
                NodeId = n.NodeId,
                Url = n.Url,
                State = n.Up ? "up" : "down",
                CoresTotal = n.CoresTotal,
                CoresFree = Math.Max(0, available.CoresFree),
                MemoryMibTotal = n.MemoryMibTotal,
                MemoryMibFree = Math.Max(0, available.MemoryMibFree),
                Instances = available.Instances,
                LastSeenMs = n.LastSeen?.ToUnixTimeMilliseconds() ?? 0,
                Reason = n.Reason,
            });
        }
        answer.LaunchingInstanceIds.AddRange(placer.Launching);
        return Task.FromResult(answer);
    }

    public override Task<ClusterInstance> RunInstance(RunInstanceRequest request, ServerCallContext context) =>
        Translate(async () => Message(await placer.RunAsync(request, context.CancellationToken), registry.Find));

    public override Task<ClusterInstance> TerminateInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => Message(await forwarder.TerminateAsync(request.InstanceId, context.CancellationToken), registry.Find));

    public override Task<ClusterInstance> RebootInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => Message(await forwarder.RebootAsync(request.InstanceId, context.CancellationToken), registry.Find));

    public override Task<ClusterInstance> ModifyInstanceMetadataOptions(ModifyInstanceMetadataOptionsRequest request, ServerCallContext context) =>
        Translate(async () => Message(await forwarder.ModifyMetadataOptionsAsync(request, context.CancellationToken), registry.Find));

    public override Task<ConsoleOutput> GetConsoleOutput(InstanceRef request, ServerCallContext context) =>
        Translate(() => forwarder.ConsoleAsync(request.InstanceId, context.CancellationToken));

    /// <summary>Served from memory (the poll keeps it current), so it stays cheap with thousands of instances.</summary>
    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context)
    {
        var nodes = registry.Nodes.ToDictionary(n => n.Url);
        var answer = new ClusterInstances();
        answer.Instances.AddRange(instances.List(request.InstanceIds).Select(k => Message(k, nodes.GetValueOrDefault)));
        return Task.FromResult(answer);
    }

    private static ClusterInstance Message(KnownInstance known, Func<string, NodeStatus?> node)
    {
        var where = node(known.NodeUrl);
        return new ClusterInstance { Status = known.Status, NodeId = where?.NodeId ?? "", NodeUrl = known.NodeUrl, NodeUp = where?.Up ?? false };
    }

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (CcException e)
        {
            var status = e.Kind switch
            {
                CcErrorKind.NotFound => StatusCode.NotFound,
                CcErrorKind.Invalid => StatusCode.InvalidArgument,
                CcErrorKind.Capacity => StatusCode.ResourceExhausted,
                CcErrorKind.Unavailable => StatusCode.Unavailable,
                _ => StatusCode.Internal,
            };
            throw new RpcException(new Status(status, $"{e.Code}: {e.Message}"), new Metadata { { CcException.ErrorCodeKey, e.Code } });
        }
    }
}
