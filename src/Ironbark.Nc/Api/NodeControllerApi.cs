using Google.Protobuf;
using Grpc.Core;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Rpc;
using Ironbark.Nc.Domain;

namespace Ironbark.Nc.Api;

/// <summary>The NC's gRPC API; the one place where node errors become gRPC statuses (through the cloud's <see cref="ErrorCodec"/>).</summary>
public sealed class NodeControllerApi(InstanceManager instances, NcOptions options) : NodeController.NodeControllerBase
{
    public override Task<NodeDescription> DescribeNode(DescribeNodeRequest request, ServerCallContext context)
    {
        var resources = instances.Resources;
        var held = resources.Held;
        var disk = new DriveInfo(options.DataDir);
        return Task.FromResult(new NodeDescription
        {
            NodeId = options.NodeId,
            CoresTotal = resources.CoreLimit,
            CoresFree = held.CoresFree,
            MemoryMibTotal = resources.MemoryLimitMib,
            MemoryMibFree = held.MemoryMibFree,
            DiskMibTotal = disk.TotalSize / (1024 * 1024),
            DiskMibFree = disk.AvailableFreeSpace / (1024 * 1024),
            Hypervisor = instances.HypervisorName,
            Acceleration = instances.Acceleration,
            CpuOvercommit = resources.CpuOvercommit,
            MemoryOvercommit = resources.MemoryOvercommit,
            Instances = instances.Describe([]).Count(i => i.State != "terminated"),
            HeldInstanceIds = { held.InstanceIds },
            UnderlayIp = options.UnderlayAddress ?? "",
        });
    }

    public override Task<InstanceStatus> RunInstance(RunInstanceRequest request, ServerCallContext context) =>
        Translate(async () => await StatusAsync(await instances.RunAsync(request, context.CancellationToken), context.CancellationToken));

    public override Task<InstanceStatus> TerminateInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => await StatusAsync(await instances.TerminateAsync(request.InstanceId, context.CancellationToken), context.CancellationToken));

    public override Task<InstanceStatus> RebootInstance(InstanceRef request, ServerCallContext context) =>
        Translate(async () => await StatusAsync(await instances.RebootAsync(request.InstanceId, context.CancellationToken), context.CancellationToken));

    public override Task<DescribeInstancesResponse> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var response = new DescribeInstancesResponse();
            foreach (var instance in instances.Describe(request.InstanceIds))
                response.Instances.Add(await StatusAsync(instance, context.CancellationToken));
            return response;
        });

    public override Task<ConsoleOutput> GetConsoleOutput(InstanceRef request, ServerCallContext context) =>
        Translate(async () => new ConsoleOutput
        {
            InstanceId = request.InstanceId,
            Output = ByteString.CopyFrom(await instances.ConsoleAsync(request.InstanceId, context.CancellationToken)),
            TimestampMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        });

    public override Task<InstanceStatus> ModifyInstanceMetadataOptions(ModifyInstanceMetadataOptionsRequest request, ServerCallContext context) =>
        Translate(async () => await StatusAsync(
            await instances.ModifyMetadataOptionsAsync(request.InstanceId, request.MetadataOptions, context.CancellationToken), context.CancellationToken));

    public override Task<NetworkViewApplied> ApplyNetworkView(NetworkView request, ServerCallContext context) =>
        Translate(async () => new NetworkViewApplied { Version = await instances.ApplyNetworkViewAsync(request, context.CancellationToken) });

    private async Task<InstanceStatus> StatusAsync(Instance instance, CancellationToken ct) => new()
    {
        InstanceId = instance.Id,
        State = instance.State,
        PowerState = await instances.PowerStateAsync(instance, ct),
        Reason = instance.Reason,
        LaunchedMs = instance.LaunchedMs,
        Cores = instance.Request.Cores,
        MemoryMib = instance.Request.MemoryMib,
        Pid = instance.Pid,
        MetadataOptions = instance.MetadataAccess.ToMessage(),
    };

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (NcException e)
        {
            throw ErrorCodec.Encode(e.Code, e.Message, e.Kind);
        }
    }
}
