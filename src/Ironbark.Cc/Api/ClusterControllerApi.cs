using Grpc.Core;
using Ironbark.Cc.Domain;
using Ironbark.Cc.Drivers;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Api;

/// <summary>The CC's gRPC API, called by the CLC; the one place where cluster errors become gRPC statuses (through the cloud's <see cref="ErrorCodec"/>).</summary>
public sealed class ClusterControllerApi(NodeRegistry registry, InstanceMap instances, InstancePlacer placer, InstanceForwarder forwarder,
    ZoneNetwork network, CcOptions options) : ClusterController.ClusterControllerBase
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
        Translate(async () => await InstanceAsync(await placer.RunAsync(ClusterMessages.Launch(request), context.CancellationToken), context));

    public override Task<ClusterInstance> TerminateInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => await InstanceAsync(await forwarder.TerminateAsync(request.InstanceId, context.CancellationToken), context));

    public override Task<ClusterInstance> RebootInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => await InstanceAsync(await forwarder.RebootAsync(request.InstanceId, context.CancellationToken), context));

    public override Task<ClusterInstance> ModifyInstanceMetadataOptions(ModifyInstanceMetadataOptionsRequest request, ServerCallContext context) =>
        Translate(async () => await InstanceAsync(await forwarder.ModifyMetadataOptionsAsync(request.InstanceId,
            ClusterMessages.Options(request.MetadataOptions), context.CancellationToken), context));

    public override Task<ConsoleOutput> GetConsoleOutput(InstanceRef request, ServerCallContext context) =>
        Translate(async () => ClusterMessages.Console(await forwarder.ConsoleAsync(request.InstanceId, context.CancellationToken)));

    /// <summary>Statuses from memory (the poll keeps them current); the VPC interfaces in one read of the store.</summary>
    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var nodes = registry.Nodes.ToDictionary(n => n.Url);
            var known = instances.List(request.InstanceIds);
            var interfaces = request.InstanceIds.Count == 0
                ? await network.AllAsync(context.CancellationToken)
                : await network.FindAsync([.. known.Select(k => k.InstanceId)], context.CancellationToken);
            var answer = new ClusterInstances();
            answer.Instances.AddRange(known.Select(k =>
                ClusterMessages.Instance(k, nodes.GetValueOrDefault(k.NodeUrl), interfaces.GetValueOrDefault(k.InstanceId))));
            return answer;
        });

    public override Task<SecurityGroupSetApplied> PutSecurityGroups(SecurityGroupSet request, ServerCallContext context) =>
        Translate(async () => new SecurityGroupSetApplied
        {
            Version = await network.PutSecurityGroupsAsync(request.Version, [.. request.Groups.Select(NetworkMessages.Definition)],
                context.CancellationToken),
        });

    public override Task<NetworkInterface> SetInterfaceGroups(InterfaceGroups request, ServerCallContext context) =>
        Translate(async () => InterfaceMessages.Interface(await network.SetGroupsAsync(request.InterfaceId, [.. request.SecurityGroupIds],
            context.CancellationToken)));

    public override Task<NetworkInterface> AssociateAddress(AddressAssociation request, ServerCallContext context) =>
        Translate(async () => InterfaceMessages.Interface(await network.AssociateAsync(request.InterfaceId, request.PublicIp, context.CancellationToken)));

    public override Task<NetworkInterface> DisassociateAddress(AddressAssociation request, ServerCallContext context) =>
        Translate(async () => InterfaceMessages.Interface(await network.DisassociateAsync(request.InterfaceId, request.PublicIp, context.CancellationToken)));

    private async Task<ClusterInstance> InstanceAsync(KnownInstance known, ServerCallContext context)
    {
        var vpc = await network.FindAsync([known.InstanceId], context.CancellationToken);
        return ClusterMessages.Instance(known, registry.Find(known.NodeUrl), vpc.GetValueOrDefault(known.InstanceId));
    }

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
