using Ironbark.Common.Contracts.Nc;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>Terminate, reboot, metadata options and console output of an instance, sent to the node that holds it.</summary>
public sealed class InstanceForwarder(CcOptions options, NodeRegistry registry, InstanceMap instances, ILogger<InstanceForwarder> log)
{
    public async Task<KnownInstance> TerminateAsync(string instanceId, CancellationToken ct)
    {
        var known = Locate(instanceId);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        var status = await NodeCall.RunAsync(registry, known, c =>
            c.TerminateInstanceAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);
        var recorded = instances.Record(status, known.NodeUrl);
        log.LogInformation("Instance {InstanceId} on node {NodeUrl} is {State}", instanceId, known.NodeUrl, status.State);
        // What it held is free again: let placement see that now rather than at the next poll.
        await registry.RefreshAsync(known.NodeUrl, CancellationToken.None);
        return recorded;
    }

    public async Task<KnownInstance> RebootAsync(string instanceId, CancellationToken ct)
    {
        var known = Locate(instanceId);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        var status = await NodeCall.RunAsync(registry, known, c =>
            c.RebootInstanceAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);
        log.LogInformation("Instance {InstanceId} on node {NodeUrl} rebooted", instanceId, known.NodeUrl);
        return instances.Record(status, known.NodeUrl);
    }

    public async Task<KnownInstance> ModifyMetadataOptionsAsync(ModifyInstanceMetadataOptionsRequest request, CancellationToken ct)
    {
        var known = Locate(request.InstanceId);
        var status = await NodeCall.RunAsync(registry, known, c =>
            c.ModifyInstanceMetadataOptionsAsync(request, deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);
        return instances.Record(status, known.NodeUrl);
    }

    public Task<ConsoleOutput> ConsoleAsync(string instanceId, CancellationToken ct) =>
        NodeCall.RunAsync(registry, Locate(instanceId), c =>
            c.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline, cancellationToken: ct).ResponseAsync, ct);

    private DateTime Deadline => DateTime.UtcNow.Add(options.NodeCallTimeout);

    private KnownInstance Locate(string instanceId) => instances.Find(instanceId) ?? throw CcException.NotFound(instanceId);
}
