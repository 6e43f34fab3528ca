using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>
/// The CC's nodes, known by URL: each is asked for its instances and its capacity over mutual TLS (the CC's
/// "cc" certificate, only the cloud CA trusted) every poll interval, and the instance map is rebuilt from the
/// answers. A node that does not answer within the poll timeout is down until it answers again.
/// </summary>
public sealed class NodeRegistry : BackgroundService
{
    private const string NotPolled = "not polled yet";

    private readonly CcOptions _options;
    private readonly InstanceMap _instances;
    private readonly ILogger<NodeRegistry> _log;
    private readonly (string Url, GrpcChannel Channel, NodeController.NodeControllerClient Client)[] _nodes;
    private readonly Dictionary<string, int> _index;
    private readonly NodeStatus[] _status;
    private long _polls;

    public NodeRegistry(CcOptions options, InstanceMap instances, X509Certificate2 certificate, X509Certificate2 ca, ILogger<NodeRegistry> log)
    {
        _options = options;
        _instances = instances;
        _log = log;
        _nodes = options.Nodes.Select(url =>
        {
            var handler = MutualTls.ClientHandler(certificate, ca, ComponentRole.Nc);
            handler.ConnectTimeout = options.PollTimeout;
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            return (url, channel, new NodeController.NodeControllerClient(channel));
        }).ToArray();
        _index = options.Nodes.Select((url, i) => (url, i)).DistinctBy(n => n.url).ToDictionary(n => n.url, n => n.i);
        _status = options.Nodes.Select(url => new NodeStatus(url, "", false, 0, 0, 0, 0, 0, null, NotPolled, new HashSet<string>(), 0)).ToArray();
    }

    /// <summary>Every node as last polled, in configured order.</summary>
    public IReadOnlyList<NodeStatus> Nodes => [.. _status];

    /// <summary>The node with this URL as last polled, or null when it is not one of this cluster's.</summary>
    public NodeStatus? Find(string url) => _index.TryGetValue(url, out var i) ? Volatile.Read(ref _status[i]) : null;

    /// <summary>The gRPC client of the node with this URL (one of <see cref="Nodes"/>).</summary>
    public NodeController.NodeControllerClient Client(string url) => _nodes[_index[url]].Client;

    /// <summary>Asks every node once, in parallel; returns when all answered or timed out.</summary>
    public Task PollAsync(CancellationToken ct = default) => Task.WhenAll(_nodes.Select((_, i) => PollAsync(i, ct)));

    /// <summary>Asks one node at once, e.g. after a launch or terminate there changed what it has free.</summary>
    public Task RefreshAsync(string url, CancellationToken ct = default) => _index.TryGetValue(url, out var i) ? PollAsync(i, ct) : Task.CompletedTask;

    private async Task PollAsync(int i, CancellationToken ct)
    {
        var (url, _, client) = _nodes[i];
        var poll = Interlocked.Increment(ref _polls);
        var since = _instances.Version;
        var deadline = DateTime.UtcNow.Add(_options.PollTimeout);
        NodeStatus now;
        try
        {
            // Instances first, then capacity: the node reserves an instance's resources as it lists it, so whatever
            // this list holds is already counted in the free capacity asked for next.
            var listed = await client.DescribeInstancesAsync(new DescribeInstancesRequest(), deadline: deadline, cancellationToken: ct);
            var node = await client.DescribeNodeAsync(new DescribeNodeRequest(), deadline: deadline, cancellationToken: ct);
            _instances.Merge(url, listed.Instances, since);
            var running = listed.Instances.Where(s => s.State != "terminated").Select(s => s.InstanceId).ToHashSet(StringComparer.Ordinal);
            now = new NodeStatus(url, node.NodeId, true, node.CoresTotal, node.CoresFree, node.MemoryMibTotal, node.MemoryMibFree,
                node.Instances, DateTimeOffset.UtcNow, "", running, poll);
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            var cause = e.Status.DebugException?.GetBaseException().Message;
            now = Volatile.Read(ref _status[i]) with
            {
                Up = false, Reason = $"{e.StatusCode}: {e.Status.Detail}" + (cause is null ? "" : $" ({cause})"), Poll = poll,
            };
        }
        if (Replace(i, now) is { } before && (before.Up != now.Up || before.Reason == NotPolled))
        {
            if (now.Up)
                _log.LogInformation("Node {Url} ({NodeId}) is up", url, now.NodeId);
            else
                _log.LogWarning("Node {Url} is down: {Reason}", url, now.Reason);
        }
    }

    /// <summary>Stores a poll's answer unless a later poll's answer is already in; returns what it replaced, or null.</summary>
    private NodeStatus? Replace(int i, NodeStatus now)
    {
        while (true)
        {
            var before = Volatile.Read(ref _status[i]);
            if (before.Poll > now.Poll)
                return null;
            if (Interlocked.CompareExchange(ref _status[i], now, before) == before)
                return before;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await PollAsync(stoppingToken);
        }
        // A poll cut short by the stop ends as a cancelled gRPC call rather than an OperationCanceledException.
        catch (Exception e) when (stoppingToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
        }
    }

    public override void Dispose()
    {
        foreach (var (_, channel, _) in _nodes)
            channel.Dispose();
        base.Dispose();
    }
}
