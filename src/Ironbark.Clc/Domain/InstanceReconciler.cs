using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Closes the gap between the state the CLC stores (what should be) and what each zone's CC reports
/// (what is), every ReconcileInterval: a launch lost to a restart of the CLC starts again, a VM that
/// died makes its instance terminated, metadata options a node has not confirmed are sent again, a
/// termination that could not reach its node is sent again
/// once the node answers, a VM the CLC has no live instance for is terminated, and an interface the CC reports otherwise
/// than the CLC stores it is brought in step: an allocation the CLC did not record (stopped between the CC's answer and its
/// write) is recorded, groups and elastic IPs the CC missed are sent again (LaunchNetworking.ReconcileAsync).
/// </summary>
public sealed class InstanceReconciler(ClcOptions options, InstanceStore store, ClusterClient clusters, InstanceDispatcher dispatcher,
    NetworkInterfaceStore interfaces, LaunchNetworking networking, ILogger<InstanceReconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.ReconcileInterval);
        try
        {
            do
            {
                try
                {
                    await ReconcileAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Reconciling instances failed; trying again in {Interval}", options.ReconcileInterval);
                }
            } while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One round over every zone with a CC.</summary>
    public async Task ReconcileAsync(CancellationToken ct)
    {
        var live = await store.ListLiveAsync(ct);
        foreach (var zone in clusters.Zones)
        {
            IReadOnlyList<InstanceReport> actual;
            try
            {
                actual = await clusters.DescribeInstancesAsync(zone, ct);
            }
            catch (ClusterException e) when (e.Failure == ClusterFailure.Unavailable)
            {
                continue; // nothing can be known of this zone now
            }
            var reported = actual.ToDictionary(a => a.InstanceId, StringComparer.Ordinal);
            // Read after the CC's report, so what is sent is at least as new as what the CC reported: a change made before is
            // sent once more (every call is idempotent); one made after may be overtaken by this round's send, and the next
            // round puts it right.
            var nics = await interfaces.ListPrimaryByInstanceAsync(ct);
            foreach (var instance in live.Where(i => i.Zone == zone && !dispatcher.IsBusy(i.InstanceId)))
            {
                var report = reported.GetValueOrDefault(instance.InstanceId);
                if (report?.Network is { } allocated && nics.GetValueOrDefault(instance.InstanceId) is { } nic
                    && (nic.MacAddress is null || instance.State == InstanceState.Running))
                    await networking.ReconcileAsync(nic, allocated, CancellationToken.None);
                await ReconcileAsync(instance, report);
            }
            var liveIds = live.Select(i => i.InstanceId).ToHashSet(StringComparer.Ordinal);
            foreach (var orphan in actual.Where(a => a.State != InstanceState.Terminated && !liveIds.Contains(a.InstanceId) && a.NodeUp))
                await TerminateOrphanAsync(zone, orphan.InstanceId, ct);
        }
    }

    private async Task ReconcileAsync(Instance instance, InstanceReport? actual)
    {
        var state = actual?.State;
        switch (instance.State)
        {
            case InstanceState.Pending when actual is null:
                log.LogInformation("Instance {InstanceId} is pending but no node has it: launching it (again)", instance.InstanceId);
                if (await store.FindAsync(instance.InstanceId, CancellationToken.None) is { State: InstanceState.Pending } full)
                    dispatcher.Launch([full]);
                break;
            case InstanceState.Running when state == InstanceState.Running && instance.MetadataOptionsState == InstanceMetadataOptions.StatePending:
                // Options stored but not yet confirmed by the node (a push lost to a restart or an unreachable node): confirm or send again.
                if (actual!.MetadataOptions == instance.MetadataOptions)
                    await store.MarkMetadataOptionsAppliedAsync(instance.InstanceId, instance.MetadataOptions, CancellationToken.None);
                else if (actual.NodeUp)
                    dispatcher.ApplyMetadataOptions(instance);
                break;
            case InstanceState.Pending when state == InstanceState.Running:
                await store.TryMoveAsync(instance.InstanceId, [InstanceState.Pending], InstanceState.Running, new InstanceChange(NodeId: actual!.NodeId), CancellationToken.None);
                break;
            case InstanceState.Pending or InstanceState.Running when state == InstanceState.Terminated:
                log.LogWarning("Instance {InstanceId} ended on node {NodeId}: {Reason}", instance.InstanceId, actual!.NodeId, actual.Reason);
                await dispatcher.EndAsync(instance.InstanceId, [instance.State], actual.Reason);
                break;
            case InstanceState.ShuttingDown when actual is null || state == InstanceState.Terminated:
                await dispatcher.EndAsync(instance.InstanceId, [InstanceState.ShuttingDown], null);
                break;
            case InstanceState.ShuttingDown when actual.NodeUp:
                dispatcher.Terminate(instance);
                break;
        }
    }

    private async Task TerminateOrphanAsync(string zone, string instanceId, CancellationToken ct)
    {
        // Read again: the instance may have been launched after the live list was taken.
        if (await store.FindAsync(instanceId, ct) is { } known && InstanceState.IsLive(known.State))
            return;
        log.LogWarning("Node VM {InstanceId} has no live instance in the CLC: terminating it", instanceId);
        try
        {
            await clusters.TerminateInstanceAsync(zone, instanceId, ct);
        }
        catch (ClusterException e)
        {
            log.LogWarning("Could not terminate {InstanceId} yet: {Message}", instanceId, e.Message);
        }
    }
}
