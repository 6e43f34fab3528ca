using System.Collections.Concurrent;
using Grpc.Core;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Tests;

/// <summary>
/// A Node Controller for network tests: runs nothing, answers launches, terminates and polls as a node would, applies
/// network views as nc.proto says (an older version is ignored), and records what it received.
/// </summary>
public sealed class RecordingNode(string nodeId, string underlayIp = "") : NodeController.NodeControllerBase
{
    private readonly ConcurrentDictionary<string, InstanceStatus> _instances = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private readonly List<NetworkView> _views = [];
    private NetworkView? _inForce;

    public string NodeId => nodeId;

    /// <summary>Every launch received, by instance id (the last one of a retried launch).</summary>
    public ConcurrentDictionary<string, RunInstanceRequest> Launches { get; } = new(StringComparer.Ordinal);

    /// <summary>While set, RunInstance fails: "refuse" with the node's own refusal (InvalidParameterValue), "drop" as a node that does not answer.</summary>
    public volatile string? FailLaunches;

    /// <summary>While true, ApplyNetworkView fails as a node that is down would.</summary>
    public volatile bool RefuseViews;

    /// <summary>The view in force (the highest version applied), or null.</summary>
    public NetworkView? View
    {
        get
        {
            lock (_lock)
                return _inForce;
        }
    }

    /// <summary>Every view received, applied or not, in order.</summary>
    public IReadOnlyList<NetworkView> Views
    {
        get
        {
            lock (_lock)
                return [.. _views];
        }
    }

    /// <summary>As after a restart of the node: no view in force.</summary>
    public void Forget()
    {
        lock (_lock)
        {
            _inForce = null;
            _views.Clear();
        }
    }

    /// <summary>Waits up to <paramref name="within"/> for a view in force that satisfies <paramref name="wanted"/>.</summary>
    public async Task<NetworkView> WaitForViewAsync(Func<NetworkView, bool> wanted, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            if (View is { } view && Satisfies(view, wanted))
                return view;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Node {nodeId}: no view as wanted within {within}; in force: {View}");
            await Task.Delay(10);
        }
    }

    /// <summary>A condition that reads what the view does not have yet (Single() of no interfaces) is not met.</summary>
    private static bool Satisfies(NetworkView view, Func<NetworkView, bool> wanted)
    {
        try
        {
            return wanted(view);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public override Task<NetworkViewApplied> ApplyNetworkView(NetworkView request, ServerCallContext context)
    {
        if (RefuseViews)
            throw new RpcException(new Status(StatusCode.Unavailable, "the node is down"));
        lock (_lock)
        {
            _views.Add(request);
            if (_inForce is null || request.Version >= _inForce.Version)
                _inForce = request;
            return Task.FromResult(new NetworkViewApplied { Version = _inForce.Version });
        }
    }

    public override Task<InstanceStatus> RunInstance(RunInstanceRequest request, ServerCallContext context)
    {
        if (FailLaunches == "refuse")
            throw ErrorCodec.Encode("InvalidParameterValue", "The root disk's digest does not match", ErrorKind.Invalid);
        if (FailLaunches == "drop")
            throw new RpcException(new Status(StatusCode.Unavailable, "connection reset"));
        Launches[request.InstanceId] = request;
        var status = _instances.GetOrAdd(request.InstanceId, id => new InstanceStatus
        {
            InstanceId = id, State = "running", PowerState = "running", Cores = request.Cores, MemoryMib = request.MemoryMib,
        });
        return Task.FromResult(status);
    }

    public override Task<InstanceStatus> TerminateInstance(InstanceRef request, ServerCallContext context)
    {
        if (!_instances.TryGetValue(request.InstanceId, out var status))
            throw ErrorCodec.Encode("InvalidInstanceID.NotFound", $"No instance {request.InstanceId} here", ErrorKind.NotFound);
        status = new InstanceStatus(status) { State = "terminated", PowerState = "shutdown" };
        _instances[request.InstanceId] = status;
        return Task.FromResult(status);
    }

    public override Task<DescribeInstancesResponse> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Task.FromResult(new DescribeInstancesResponse { Instances = { _instances.Values } });

    public override Task<NodeDescription> DescribeNode(DescribeNodeRequest request, ServerCallContext context)
    {
        var running = _instances.Values.Where(i => i.State == "running").ToList();
        return Task.FromResult(new NodeDescription
        {
            NodeId = nodeId, CoresTotal = 64, CoresFree = 64 - running.Sum(i => i.Cores), MemoryMibTotal = 65536,
            MemoryMibFree = 65536 - running.Sum(i => i.MemoryMib), Instances = running.Count, UnderlayIp = underlayIp,
            HeldInstanceIds = { running.Select(i => i.InstanceId) },
        });
    }
}
