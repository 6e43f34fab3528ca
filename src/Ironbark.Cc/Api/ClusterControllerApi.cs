using Grpc.Core;
using Ironbark.Cc.Domain;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's gRPC API, called by the CLC; the one place where cluster errors become gRPC statuses (through the cloud's <see cref="ErrorCodec"/>).</summary>
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
        Translate(async () => Instance(await placer.RunAsync(ClusterMessages.Launch(request), context.CancellationToken)));

    public override Task<ClusterInstance> TerminateInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => Instance(await forwarder.TerminateAsync(request.InstanceId, context.CancellationToken)));

    public override Task<ClusterInstance> RebootInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => Instance(await forwarder.RebootAsync(request.InstanceId, context.CancellationToken)));

    public override Task<ClusterInstance> ModifyInstanceMetadataOptions(ModifyInstanceMetadataOptionsRequest request, ServerCallContext context) =>
        Translate(async () => Instance(await forwarder.ModifyMetadataOptionsAsync(request.InstanceId, ClusterMessages.Options(request.MetadataOptions),
            context.CancellationToken)));

    public override Task<ConsoleOutput> GetConsoleOutput(InstanceRef request, ServerCallContext context) =>
        Translate(async () => ClusterMessages.Console(await forwarder.ConsoleAsync(request.InstanceId, context.CancellationToken)));

    /// <summary>Served from memory (the poll keeps it current), so it stays cheap with thousands of instances.</summary>
    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context)
    {
        var nodes = registry.Nodes.ToDictionary(n => n.Url);
        var answer = new ClusterInstances();
        answer.Instances.AddRange(instances.List(request.InstanceIds).Select(k => ClusterMessages.Instance(k, nodes.GetValueOrDefault(k.NodeUrl))));
        return Task.FromResult(answer);
    }

    private ClusterInstance Instance(KnownInstance known) => ClusterMessages.Instance(known, registry.Find(known.NodeUrl));

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (CcException e)
        {
            throw ErrorCodec.Encode(e.Code, e.Message, e.Kind);
        }
    }
}
