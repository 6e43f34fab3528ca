using Ironbark.Cc.Drivers;
using Ironbark.Common.Rpc;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>
/// Launches instances: chooses a node with the cluster's placement policy against what each node last
/// reported free minus the launches this CC has in flight there, then runs the instance on that node.
/// Concurrent launches therefore never over-commit a node between two polls.
/// </summary>
public sealed class InstancePlacer(CcOptions options, NodeRegistry registry, NodeClient nodes, InstanceMap instances, ZoneNetwork network,
    ILogger<InstancePlacer> log)
{
    /// <summary>How many nodes one launch tries when a node refuses for capacity (it raced with something the CC did not see).</summary>
    public const int Attempts = 3;

    private readonly object _lock = new();
    private readonly Dictionary<string, Launch> _launches = new(StringComparer.Ordinal);
    private string? _lastUsed;
    private long _nodeRefusals;

    /// <summary>How often a node refused a launch the CC had placed on it for lack of capacity.</summary>
    public long NodeRefusals => Interlocked.Read(ref _nodeRefusals);

    /// <summary>
    /// Launches the instance, or, for an instance id the CC already knows, sends the request again to the
    /// node holding it (the NC answers an identical retry with the instance it has). A retry that arrives while
    /// the first launch is under way waits for that launch.
    /// </summary>
    public async Task<KnownInstance> RunAsync(InstanceLaunch request, CancellationToken ct)
    {
        var id = request.InstanceId;
        using var scope = log.BeginScope(new Dictionary<string, object> { ["InstanceId"] = id });
        Launch? launch;
        KnownInstance? known = null;
        var mine = false;
        lock (_lock)
        {
            if (_launches.TryGetValue(id, out launch))
            {
                if (!launch.Request.Equals(request))
                    throw CcException.Invalid("InvalidInstanceID.Duplicate", $"Instance {id} is being launched with other parameters.");
            }
            else if ((known = instances.Find(id)) is null)
            {
                launch = new Launch(request);
                _launches[id] = launch;
                mine = true;
            }
        }
        if (known is not null)
            return await RelaunchAsync(request, known, ct);
        if (mine)
            _ = OwnLaunchAsync(launch!);
        return await launch!.Done.Task.WaitAsync(ct);
    }

    /// <summary>
    /// Runs a launch to its end whoever waits for it: a caller that goes away (the CLC restarting) stops
    /// waiting but does not abort the launch, which a retry of the same id then joins.
    /// </summary>
    private async Task OwnLaunchAsync(Launch launch)
    {
        try
        {
            launch.Done.SetResult(await LaunchAsync(launch, CancellationToken.None));
        }
        catch (Exception e)
        {
            // A launch refused (not one whose node did not answer: it may run there) holds no addresses.
            if (e is CcException { Kind: not ErrorKind.Unavailable })
                await ReleaseAsync(launch.Request.InstanceId);
            launch.Done.SetException(e);
            _ = launch.Done.Task.Exception; // observed: a caller waiting on it gets it, nobody else needs to
        }
        finally
        {
            lock (_lock)
                _launches.Remove(launch.Request.InstanceId);
        }
    }

    private async Task ReleaseAsync(string instanceId)
    {
        try
        {
            await network.ReleaseAsync(instanceId, CancellationToken.None);
        }
        catch (Exception e)
        {
            log.LogError(e, "Could not free the addresses of instance {InstanceId}, whose launch failed; a terminate frees them", instanceId);
        }
    }

    /// <summary>The launches under way that are placed on a node, and so taken off its free capacity.</summary>
    public IReadOnlyList<string> Launching
    {
        get
        {
            lock (_lock)
                return [.. _launches.Values.Where(l => l.NodeUrl is not null).Select(l => l.Request.InstanceId)];
        }
    }

    /// <summary>
    /// What a node has for new launches: what it last reported free, minus the launches placed on it that its
    /// last report did not list yet (those it listed are already in its free capacity).
    /// </summary>
    public NodeCapacity Available(NodeStatus node)
    {
        lock (_lock)
        {
            var pending = _launches.Values.Where(l => l.NodeUrl == node.Url && !node.InstanceIds.Contains(l.Request.InstanceId)).ToList();
            return node.Capacity with
            {
                CoresFree = node.CoresFree - pending.Sum(l => l.Request.Cores),
                MemoryMibFree = node.MemoryMibFree - pending.Sum(l => (long)l.Request.MemoryMib),
                Instances = node.Instances + pending.Count,
            };
        }
    }

    private async Task<KnownInstance> LaunchAsync(Launch launch, CancellationToken ct)
    {
        var request = await network.AllocateAsync(launch.Request, ct);
        var refused = new HashSet<string>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var url = Place(launch, refused);
            var launched = false;
            try
            {
                log.LogInformation("Launching instance {InstanceId} on node {NodeUrl} ({Cores} cores, {MemoryMib} MiB)",
                    request.InstanceId, url, request.Cores, request.MemoryMib);
                request = await network.PlaceAsync(request, url, ct);
                var status = await nodes.RunInstanceAsync(url, request, ct);
                launched = true;
                log.LogInformation("Instance {InstanceId} is {State} on node {NodeUrl}", request.InstanceId, status.State, url);
                return instances.Record(status, url);
            }
            catch (CcException e) when (e.Kind == ErrorKind.Capacity && attempt < Attempts)
            {
                Interlocked.Increment(ref _nodeRefusals);
                refused.Add(url);
                log.LogWarning("Node {NodeUrl} refused instance {InstanceId} for capacity ({Detail}); trying another node", url, request.InstanceId, e.Message);
            }
            catch (CcException e)
            {
                log.LogWarning("Instance {InstanceId} failed to launch on node {NodeUrl}: {Code} {Detail}", request.InstanceId, url, e.Code, e.Message);
                throw;
            }
            catch (NodeUnavailableException e)
            {
                log.LogWarning("Instance {InstanceId} failed to launch on node {NodeUrl}: {Detail}", request.InstanceId, url, e.Message);
                throw CcException.NodeUnavailable(request.InstanceId, url, e.Message);
            }
            finally
            {
                if (!launched)
                    instances.ForgetLaunch(request.InstanceId);
                // Re-read the node (its free capacity and the instance's status) before letting go of the
                // reservation, so the capacity placement sees never misses this launch.
                await registry.RefreshAsync(url, CancellationToken.None);
                lock (_lock)
                    launch.NodeUrl = null;
            }
        }
    }

    /// <summary>Chooses a node and reserves the launch's cores and memory on it, in one step under the lock.</summary>
    private string Place(Launch launch, IReadOnlySet<string> refused)
    {
        var request = launch.Request;
        lock (_lock)
        {
            // A node that refused this launch already is not asked again.
            var nodes = registry.Nodes.Select(n => Available(n) with { Up = n.Up && !refused.Contains(n.Url) }).ToList();
            var chosen = PlacementPolicy.Choose(options.PlacementPolicy, nodes, request.Cores, request.MemoryMib, _lastUsed)
                ?? throw CcException.Capacity(NoRoom(request, nodes));
            _lastUsed = chosen.Url;
            launch.NodeUrl = chosen.Url;
            instances.Record(new InstanceReport
            {
                InstanceId = request.InstanceId, State = "pending", PowerState = "nostate", Cores = request.Cores, MemoryMib = request.MemoryMib,
            }, chosen.Url, launching: true);
            return chosen.Url;
        }
    }

    private string NoRoom(InstanceLaunch request, IReadOnlyList<NodeCapacity> nodes)
    {
        var up = nodes.Where(n => n.Up).ToList();
        var most = up.Count == 0
            ? "no node is up"
            : $"the most any node up has free is {up.Max(n => n.CoresFree)} cores and {up.Max(n => n.MemoryMibFree)} MiB";
        return $"No node in {options.Cluster} has room for an instance of {request.Cores} cores and {request.MemoryMib} MiB: {most}.";
    }

    /// <summary>A launch again of an instance the CC knows: to the node that holds it, without a new reservation.</summary>
    private async Task<KnownInstance> RelaunchAsync(InstanceLaunch request, KnownInstance known, CancellationToken ct)
    {
        log.LogInformation("Instance {InstanceId} is already known on node {NodeUrl}; sending the launch there again", request.InstanceId, known.NodeUrl);
        var sent = await network.PlaceAsync(await network.AllocateAsync(request, ct), known.NodeUrl, ct);
        var status = await NodeCall.RunAsync(registry, known, () => nodes.RunInstanceAsync(known.NodeUrl, sent, ct));
        return instances.Record(status, known.NodeUrl);
    }

    /// <summary>One launch under way: its request, the node it is reserved on (null between attempts), and its outcome.</summary>
    private sealed class Launch(InstanceLaunch request)
    {
        public InstanceLaunch Request { get; } = request;
        public string? NodeUrl { get; set; }
        public TaskCompletionSource<KnownInstance> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
