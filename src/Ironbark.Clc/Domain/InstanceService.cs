using System.Globalization;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// An account's instances after launch: describe, status, terminate, reboot, console output and
/// attributes. An account sees and touches only its own instances; another's are NotFound to it.
/// </summary>
public sealed class InstanceService(ClcOptions options, InstanceStore store, InstanceDispatcher dispatcher, ClusterClient clusters,
    DefaultVpcService vpcs, NetworkInterfaceService interfaces, InterfaceDataPlane dataPlane, TimeProvider time)
{
    /// <summary>The account's instances: the listed ones (each must exist), else all not long terminated; then filtered.</summary>
    public async Task<IReadOnlyList<Instance>> DescribeAsync(string accountId, IReadOnlyList<string> instanceIds, IReadOnlyList<Filter> filters,
        FilterSchema<Instance> schema, CancellationToken ct)
    {
        var found = instanceIds.Count > 0 ? await ChosenAsync(accountId, instanceIds, ct) : await ListedAsync(accountId, null, ct);
        await vpcs.PlaceAsync(accountId, found, ct);
        return schema.Apply(found, filters);
    }

    /// <summary>Moves each instance to shutting-down and has its VM stopped; returns (instance, state before) in request order.</summary>
    public async Task<IReadOnlyList<(Instance Instance, string Previous)>> TerminateAsync(string accountId, IReadOnlyList<string> instanceIds, CancellationToken ct)
    {
        var chosen = await ChosenAsync(accountId, instanceIds, ct);
        foreach (var instance in chosen.Where(i => i.DisableApiTermination && InstanceState.IsLive(i.State)))
            throw new Ec2Exception("OperationNotPermitted",
                $"The instance '{instance.InstanceId}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.");
        var reason = $"User initiated ({time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} GMT)";
        var result = new List<(Instance, string)>();
        foreach (var instance in chosen)
        {
            var previous = await store.TryMoveAsync(instance.InstanceId, [InstanceState.Pending, InstanceState.Running], InstanceState.ShuttingDown,
                new InstanceChange(TransitionReason: reason), ct);
            if (previous is not null)
            {
                instance.State = InstanceState.ShuttingDown;
                // When a launch is still at work, the dispatcher takes nothing new for it: the launch, finding the
                // instance shutting down, terminates what it launched.
                dispatcher.Terminate(instance);
            }
            result.Add((instance, previous ?? instance.State));
        }
        return result;
    }

    public async Task RebootAsync(string accountId, IReadOnlyList<string> instanceIds, CancellationToken ct)
    {
        var chosen = await ChosenAsync(accountId, instanceIds, ct);
        foreach (var instance in chosen.Where(i => i.State != InstanceState.Running))
            throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instance.InstanceId}' is not in a state from which it can be rebooted.");
        foreach (var instance in chosen)
        {
            try
            {
                await clusters.RebootInstanceAsync(instance.Zone, instance.InstanceId, ct);
            }
            catch (ClusterException e)
            {
                throw Translate(instance.InstanceId, e);
            }
        }
    }

    /// <summary>The last 64 KiB of the serial console; empty while (or when no longer) there is one to read.</summary>
    public async Task<(byte[] Output, long TimestampMs)> ConsoleAsync(string accountId, string instanceId, CancellationToken ct)
    {
        var instance = (await ChosenAsync(accountId, [instanceId], ct))[0];
        try
        {
            return await clusters.GetConsoleOutputAsync(instance.Zone, instanceId, ct);
        }
        catch (ClusterException e) when (e.Failure is ClusterFailure.NotFound or ClusterFailure.Unavailable)
        {
            return ([], time.GetUtcNow().ToUnixTimeMilliseconds());
        }
    }

    public async Task<Instance> OwnedAsync(string accountId, string instanceId, CancellationToken ct) =>
        (await ChosenAsync(accountId, [instanceId], ct))[0];

    /// <summary>Changes what ModifyInstanceAttribute may change on an instance that is not stopped.</summary>
    public async Task ModifyAsync(string accountId, string instanceId, InstanceAttributeChange change, CancellationToken ct)
    {
        var instance = await OwnedAsync(accountId, instanceId, ct);
        if (change.NeedsStopped)
            throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is not in the 'stopped' state.");
        if (!InstanceState.IsLive(instance.State))
            throw new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' is terminated.");
        if (change.ShutdownBehavior is { } behavior && behavior is not ("stop" or "terminate"))
            throw Ec2Exception.InvalidParameterValue($"Value ({behavior}) for parameter instanceInitiatedShutdownBehavior is invalid. Expected 'stop' or 'terminate'.");
        instance.DisableApiTermination = change.DisableApiTermination ?? instance.DisableApiTermination;
        instance.ShutdownBehavior = change.ShutdownBehavior ?? instance.ShutdownBehavior;
        // The groups of an instance are those of its primary interface: they change on its node at once, running or not.
        if (change.GroupIds.Count > 0)
            instance.Groups = await interfaces.GroupsAsync(accountId, change.GroupIds, ct);
        if (!await store.UpdateAttributesAsync(instance, ct))
            throw NotFound([instanceId]);
        if (change.GroupIds.Count > 0 && instance.PrimaryInterface is { } nic)
        {
            nic.Groups = instance.Groups;
            await dataPlane.SetGroupsAsync(nic, ct);
        }
    }

    /// <summary>
    /// ModifyInstanceMetadataOptions: stores the new options of a running instance as pending and has them sent to
    /// its node, which enforces them from then on; they read "applied" once the node confirmed. Returns the instance
    /// with its options as stored.
    /// </summary>
    public async Task<Instance> ModifyMetadataOptionsAsync(string accountId, string instanceId, MetadataOptionsChange change, CancellationToken ct)
    {
        change.Validate();
        var instance = await OwnedAsync(accountId, instanceId, ct);
        var options = instance.MetadataOptions.With(change);
        // Only a running instance: a pending one is launched with the options it has, and nothing is left to change on the others.
        if (instance.State != InstanceState.Running)
            throw NotModifiable(instanceId, instance.State);
        if (!await store.UpdateMetadataOptionsAsync(instanceId, accountId, options, ct))
            throw NotModifiable(instanceId, (await OwnedAsync(accountId, instanceId, ct)).State);
        instance.HttpTokens = options.HttpTokens;
        instance.HttpPutResponseHopLimit = options.HttpPutResponseHopLimit;
        instance.HttpEndpoint = options.HttpEndpoint;
        instance.MetadataOptionsState = InstanceMetadataOptions.StatePending;
        dispatcher.ApplyMetadataOptions(instance);
        return instance;
    }

    /// <summary>The user data the instance was launched with (kept in its launch record).</summary>
    public async Task<byte[]> UserDataAsync(Instance instance, CancellationToken ct) =>
        (await store.FindAsync(instance.InstanceId, ct))?.Launch?.UserData ?? [];

    /// <summary>The account's instances (or those of the ids) DescribeInstances still lists: terminated ones only for a while.</summary>
    private async Task<IReadOnlyList<Instance>> ListedAsync(string accountId, IReadOnlyCollection<string>? instanceIds, CancellationToken ct)
    {
        var hideBefore = time.GetUtcNow().Subtract(options.TerminatedVisibility).ToUnixTimeMilliseconds();
        return (await store.ListAsync(accountId, instanceIds, ct)).Where(i => i.TerminatedMs is not { } t || t >= hideBefore)
            .OrderBy(i => i.LaunchMs).ThenBy(i => i.ReservationId, StringComparer.Ordinal).ThenBy(i => i.LaunchIndex).ToList();
    }

    /// <summary>The instances with these ids, in the order asked; every id must be well formed and the account's.</summary>
    private async Task<List<Instance>> ChosenAsync(string accountId, IReadOnlyList<string> instanceIds, CancellationToken ct)
    {
        if (instanceIds.Count == 0)
            throw Ec2Exception.MissingParameter("InstanceId");
        foreach (var id in instanceIds.Where(id => !ResourceId.IsValid(id, Instance.IdPrefix)))
            throw new Ec2Exception("InvalidInstanceID.Malformed", $"Invalid id: \"{id}\" (expecting \"i-...\")");
        var ids = instanceIds.Distinct().ToList();
        var found = await ListedAsync(accountId, ids, ct);
        var missing = ids.Where(id => found.All(i => i.InstanceId != id)).ToList();
        if (missing.Count > 0)
            throw NotFound(missing);
        return ids.Select(id => found.First(i => i.InstanceId == id)).ToList();
    }

    private static Ec2Exception NotFound(IReadOnlyList<string> ids) => ids.Count == 1
        ? new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{ids[0]}' does not exist")
        : new Ec2Exception("InvalidInstanceID.NotFound", $"The instance IDs '{string.Join(", ", ids)}' do not exist");

    private static Ec2Exception NotModifiable(string instanceId, string state) =>
        new("IncorrectInstanceState", $"The instance '{instanceId}' is not in a state from which its metadata options can be modified ({state}).");

    private static Ec2Exception Translate(string instanceId, ClusterException e) => e.Failure switch
    {
        ClusterFailure.Unavailable => new Ec2Exception("Unavailable", $"The node of instance {instanceId} does not answer now; try again later.", 503),
        ClusterFailure.NotFound => new Ec2Exception("IncorrectInstanceState", $"The instance '{instanceId}' has no VM yet."),
        _ => new Ec2Exception(e.Code, e.Message),
    };
}
