using System.Collections.Concurrent;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Carries the CLC's decisions to the clusters in the background, so RunInstances and
/// TerminateInstances answer at once (pending, shutting-down) as on AWS: launches through the zone's
/// CC (a bounded number at a time per zone) and terminations; then records the outcome by
/// compare-and-set. What fails for want of a reachable cluster stays as it is, for the reconcile loop.
/// </summary>
public sealed class InstanceDispatcher(InstanceStore store, ClusterClient clusters, LaunchNetworking networking, TimeProvider time, ILogger<InstanceDispatcher> log)
    : IDisposable
{
    private const int LaunchesPerZone = 32;

    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _zoneSlots = new();
    private readonly ConcurrentDictionary<string, Task> _inFlight = new();
    private readonly ConcurrentDictionary<string, (string Zone, int Cores, int MemoryMib)> _queued = new();

    /// <summary>Whether a launch or termination of the instance is under way in this process.</summary>
    public bool IsBusy(string instanceId) => _inFlight.ContainsKey(instanceId);

    /// <summary>Launches the instances (each read with its <see cref="Instance.Launch"/>), with the metadata options they have now.</summary>
    public void Launch(IEnumerable<Instance> instances)
    {
        foreach (var instance in instances)
        {
            var launch = instance.Launch ?? throw new ArgumentException($"Instance {instance.InstanceId} was read without its launch record.", nameof(instances));
            // Counted before the work starts (it may finish at once); an entry already there belongs to a launch under way.
            var counted = _queued.TryAdd(instance.InstanceId, (instance.Zone, launch.VCpus, launch.MemoryMiB));
            if (!Start(instance.InstanceId, () => LaunchAsync(instance)) && counted)
                _queued.TryRemove(instance.InstanceId, out _);
        }
    }

    /// <summary>
    /// The launches accepted for the zone whose CC call has not returned yet (their ids, cores and memory):
    /// until it returns, the CC's free capacity may or may not count them (see ClusterResources.launching_instance_ids).
    /// </summary>
    public IEnumerable<(string InstanceId, int Cores, int MemoryMib)> Queued(string zone) =>
        _queued.Where(q => q.Value.Zone == zone).Select(q => (q.Key, q.Value.Cores, q.Value.MemoryMib));

    public void Terminate(Instance instance) => Start(instance.InstanceId, () => TerminateAsync(instance.InstanceId, instance.Zone));

    /// <summary>Sends the instance's pending metadata options to its node (unless other work for it is under way: the reconcile loop sends them later).</summary>
    public void ApplyMetadataOptions(Instance instance) => Start(instance.InstanceId, () => ApplyMetadataOptionsAsync(instance.InstanceId, instance.Zone));

    /// <summary>Starts the work unless some is under way for the instance already (then the reconcile loop looks again later).</summary>
    private bool Start(string instanceId, Func<Task> work)
    {
        var gate = new TaskCompletionSource();
        var task = gate.Task.ContinueWith(_ => work(), TaskScheduler.Default).Unwrap();
        if (!_inFlight.TryAdd(instanceId, task))
            return false;
        _ = task.ContinueWith(_ => _inFlight.TryRemove(new KeyValuePair<string, Task>(instanceId, task)), TaskScheduler.Default);
        gate.SetResult();
        return true;
    }

    private async Task LaunchAsync(Instance instance)
    {
        var ct = _stopping.Token;
        using var scope = log.BeginScope("instance {InstanceId}", instance.InstanceId);
        var slots = _zoneSlots.GetOrAdd(instance.Zone, _ => new SemaphoreSlim(LaunchesPerZone));
        try
        {
            await slots.WaitAsync(ct);
            try
            {
                // Terminated while it waited for a slot: nothing to launch.
                if (await store.FindAsync(instance.InstanceId, ct) is not { State: InstanceState.Pending })
                {
                    await EndAsync(instance.InstanceId, [InstanceState.ShuttingDown], null);
                    return;
                }
                var network = await networking.PrepareAsync(instance, ct);
                var placed = await clusters.RunInstanceAsync(instance, network, ct);
                _queued.TryRemove(instance.InstanceId, out _); // its node's free capacity counts it now
                if (placed.State == InstanceState.Terminated)
                {
                    // The node had tried this launch before (a retry after a restart) and it failed: its reason stands.
                    await EndAsync(instance.InstanceId, [InstanceState.Pending, InstanceState.ShuttingDown], placed.Reason);
                    return;
                }
                // Its addresses are recorded before it shows running, as AWS shows them from then on.
                if (placed.Network is { } allocated)
                    await networking.RecordAsync(instance.AccountId, instance.InstanceId, network?.GroupIds, allocated, CancellationToken.None);
                var moved = await store.TryMoveAsync(instance.InstanceId, [InstanceState.Pending], InstanceState.Running,
                    new InstanceChange(NodeId: placed.NodeId), CancellationToken.None);
                if (moved is null)
                {
                    // Terminated while it launched: the VM must not outlive the decision.
                    await store.SetNodeAsync(instance.InstanceId, placed.NodeId, CancellationToken.None);
                    await TerminateAsync(instance.InstanceId, instance.Zone);
                }
                else
                {
                    log.LogInformation("Instance {InstanceId} runs on node {NodeId}", instance.InstanceId, placed.NodeId);
                    if (placed.MetadataOptions == instance.MetadataOptions)
                        await store.MarkMetadataOptionsAppliedAsync(instance.InstanceId, instance.MetadataOptions, CancellationToken.None);
                }
            }
            finally
            {
                slots.Release();
            }
        }
        catch (ClusterException e) when (e.Failure != ClusterFailure.Unavailable)
        {
            log.LogWarning("Instance {InstanceId} failed to launch: {Code}: {Message}", instance.InstanceId, e.Code, e.Message);
            var reason = e.Failure == ClusterFailure.Capacity ? $"Server.InsufficientInstanceCapacity: {e.Message}" : $"Server.InternalError: {e.Code}: {e.Message}";
            await EndAsync(instance.InstanceId, [InstanceState.Pending, InstanceState.ShuttingDown], reason);
        }
        catch (ClusterException e)
        {
            log.LogWarning("Instance {InstanceId} waits for its cluster: {Message}", instance.InstanceId, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // E.g. the database refused the write: the instance stays as stored, and the reconcile loop looks again.
            log.LogError(e, "Launching instance {InstanceId} failed", instance.InstanceId);
        }
        finally
        {
            _queued.TryRemove(instance.InstanceId, out _);
        }
    }

    private async Task TerminateAsync(string instanceId, string zone)
    {
        var ct = _stopping.Token;
        using var scope = log.BeginScope("instance {InstanceId}", instanceId);
        try
        {
            if ((await clusters.TerminateInstanceAsync(zone, instanceId, ct)).State == InstanceState.Terminated)
                await EndAsync(instanceId, [InstanceState.ShuttingDown], null);
        }
        catch (ClusterException e) when (e.Failure == ClusterFailure.NotFound)
        {
            await EndAsync(instanceId, [InstanceState.ShuttingDown], null); // it never reached a node
        }
        catch (ClusterException e)
        {
            log.LogWarning("Instance {InstanceId} could not be terminated yet: {Message}", instanceId, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogError(e, "Terminating instance {InstanceId} failed; the reconcile loop tries again", instanceId);
        }
    }

    private async Task ApplyMetadataOptionsAsync(string instanceId, string zone)
    {
        var ct = _stopping.Token;
        using var scope = log.BeginScope("instance {InstanceId}", instanceId);
        try
        {
            // A change stored while the one before was on its way goes out in the next round.
            for (var round = 0; round < 3; round++)
            {
                if (await store.FindAsync(instanceId, ct) is not { State: InstanceState.Running, MetadataOptionsState: InstanceMetadataOptions.StatePending } instance)
                    return;
                var options = instance.MetadataOptions;
                var reported = await clusters.ModifyInstanceMetadataOptionsAsync(zone, instanceId, options, ct);
                if (reported.MetadataOptions == options)
                    await store.MarkMetadataOptionsAppliedAsync(instanceId, options, CancellationToken.None);
            }
        }
        catch (ClusterException e)
        {
            log.LogWarning("The metadata options of instance {InstanceId} could not reach its node yet: {Code}: {Message}", instanceId, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            log.LogError(e, "Applying the metadata options of instance {InstanceId} failed; the reconcile loop tries again", instanceId);
        }
    }

    /// <summary>Moves the instance to terminated from one of <paramref name="from"/>.</summary>
    public Task<string?> EndAsync(string instanceId, IReadOnlyCollection<string> from, string? reason) =>
        store.TryMoveAsync(instanceId, from, InstanceState.Terminated,
            new InstanceChange(StateReason: reason ?? "Client.UserInitiatedShutdown: User initiated shutdown",
                TerminatedMs: time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }
}
