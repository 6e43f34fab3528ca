using Ironbark.Cc.Drivers;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>Terminate, reboot, metadata options and console output of an instance, sent to the node that holds it.</summary>
public sealed class InstanceForwarder(NodeRegistry registry, NodeClient nodes, InstanceMap instances, ZoneNetwork network, ILogger<InstanceForwarder> log)
{
    public async Task<KnownInstance> TerminateAsync(string instanceId, CancellationToken ct)
    {
        if (instances.Find(instanceId) is not { } known)
        {
            // No node has it (a launch whose node never answered, then lost it): what it held is free again.
            await network.ReleaseAsync(instanceId, ct);
            throw CcException.NotFound(instanceId);
        }
        using var scope = log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        var status = await NodeCall.RunAsync(registry, known, () => nodes.TerminateInstanceAsync(known.NodeUrl, instanceId, ct));
        var recorded = instances.Record(status, known.NodeUrl);
        log.LogInformation("Instance {InstanceId} on node {NodeUrl} is {State}", instanceId, known.NodeUrl, status.State);
        if (status.State == "terminated")
            await network.ReleaseAsync(instanceId, CancellationToken.None);
        // What it held is free again: let placement see that now rather than at the next poll.
        await registry.RefreshAsync(known.NodeUrl, CancellationToken.None);
        return recorded;
    }

    public async Task<KnownInstance> RebootAsync(string instanceId, CancellationToken ct)
    {
        var known = Locate(instanceId);
        using var scope = log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = instanceId });
        var status = await NodeCall.RunAsync(registry, known, () => nodes.RebootInstanceAsync(known.NodeUrl, instanceId, ct));
        log.LogInformation("Instance {InstanceId} on node {NodeUrl} rebooted", instanceId, known.NodeUrl);
        return instances.Record(status, known.NodeUrl);
    }

    /// <param name="options">The options to enforce from now on; null: the node's defaults.</param>
    public async Task<KnownInstance> ModifyMetadataOptionsAsync(string instanceId, InstanceMetadataOptions? options, CancellationToken ct)
    {
        var known = Locate(instanceId);
        var status = await NodeCall.RunAsync(registry, known, () => nodes.ModifyInstanceMetadataOptionsAsync(known.NodeUrl, instanceId, options, ct));
        return instances.Record(status, known.NodeUrl);
    }

    public Task<InstanceConsole> ConsoleAsync(string instanceId, CancellationToken ct)
    {
        var known = Locate(instanceId);
        return NodeCall.RunAsync(registry, known, () => nodes.GetConsoleOutputAsync(known.NodeUrl, instanceId, ct));
    }

    private KnownInstance Locate(string instanceId) => instances.Find(instanceId) ?? throw CcException.NotFound(instanceId);
}
