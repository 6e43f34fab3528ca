using Ironbark.Cc.Drivers;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>
/// The CC's nodes, known by URL: each is asked for its instances and its capacity (through the
/// <see cref="NodeClient"/>) every poll interval, and the instance map is rebuilt from the answers. A node
/// that does not answer within the poll timeout is down until it answers again.
/// </summary>
public sealed class NodeRegistry : BackgroundService
{
    private const string NotPolled = "not polled yet";

    private readonly CcOptions _options;
    private readonly InstanceMap _instances;
    private readonly ILogger<NodeRegistry> _log;
    private readonly NodeClient _client;
    private readonly string[] _urls;
    private readonly Dictionary<string, int> _index;
    private readonly NodeStatus[] _status;
    private long _polls;

    public NodeRegistry(CcOptions options, InstanceMap instances, NodeClient client, ILogger<NodeRegistry> log)
    {
        _options = options;
        _instances = instances;
        _client = client;
        _log = log;
        _urls = [.. options.Nodes];
        _index = options.Nodes.Select((url, i) => (url, i)).DistinctBy(n => n.url).ToDictionary(n => n.url, n => n.i);
        _status = options.Nodes.Select(url => new NodeStatus(url, "", false, 0, 0, 0, 0, 0, null, NotPolled, new HashSet<string>(), 0)).ToArray();
    }

    /// <summary>Every node as last polled, in configured order.</summary>
    public IReadOnlyList<NodeStatus> Nodes => [.. _status];

    /// <summary>The node with this URL as last polled, or null when it is not one of this cluster's.</summary>
    public NodeStatus? Find(string url) => _index.TryGetValue(url, out var i) ? Volatile.Read(ref _status[i]) : null;

    /// <summary>Asks every node once, in parallel; returns when all answered or timed out.</summary>
    public Task PollAsync(CancellationToken ct = default) => Task.WhenAll(_urls.Select((_, i) => PollAsync(i, ct)));

    /// <summary>Asks one node at once, e.g. after a launch or terminate there changed what it has free.</summary>
    public Task RefreshAsync(string url, CancellationToken ct = default) => _index.TryGetValue(url, out var i) ? PollAsync(i, ct) : Task.CompletedTask;

    private async Task PollAsync(int i, CancellationToken ct)
    {
        var url = _urls[i];
        var poll = Interlocked.Increment(ref _polls);
        var since = _instances.Version;
        NodeStatus now;
        try
        {
            var report = await _client.PollAsync(url, ct);
            _instances.Merge(url, report.Listed, since);
            now = new NodeStatus(url, report.NodeId, true, report.CoresTotal, report.CoresFree, report.MemoryMibTotal, report.MemoryMibFree,
                report.Instances, DateTimeOffset.UtcNow, "", report.Held, poll) { UnderlayIp = report.UnderlayIp };
        }
        catch (Exception e) when (e is NodeUnavailableException or CcException)
        {
            var reason = e is CcException refused ? $"{refused.Code}: {refused.Message}" : e.Message;
            now = Volatile.Read(ref _status[i]) with { Up = false, Reason = reason, Poll = poll };
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
