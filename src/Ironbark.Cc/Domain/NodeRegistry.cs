using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>What the CC last learned of one node; replaced as a whole after every poll.</summary>
public sealed record NodeStatus(string Url, string NodeId, bool Up, int CoresTotal, int CoresFree, long MemoryMibTotal,
    long MemoryMibFree, int Instances, DateTimeOffset? LastSeen, string Reason)
{
    public NodeCapacity Capacity => new(Url, Up, CoresFree, MemoryMibFree, Instances);
}

/// <summary>
/// The CC's nodes, known by URL: each is asked for DescribeNode over mutual TLS (the CC's "cc"
/// certificate, only the cloud CA trusted) every poll interval. A node that does not answer
/// within the poll timeout is down until it answers again.
/// </summary>
public sealed class NodeRegistry : BackgroundService
{
    private const string NotPolled = "not polled yet";

    private readonly CcOptions _options;
    private readonly ILogger<NodeRegistry> _log;
    private readonly (string Url, GrpcChannel Channel, NodeController.NodeControllerClient Client)[] _nodes;
    private readonly NodeStatus[] _status;

    public NodeRegistry(CcOptions options, X509Certificate2 certificate, X509Certificate2 ca, ILogger<NodeRegistry> log)
    {
        _options = options;
        _log = log;
        _nodes = options.Nodes.Select(url =>
        {
            var handler = MutualTls.ClientHandler(certificate, ca);
            handler.ConnectTimeout = options.PollTimeout;
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            return (url, channel, new NodeController.NodeControllerClient(channel));
        }).ToArray();
        _status = options.Nodes.Select(url => new NodeStatus(url, "", false, 0, 0, 0, 0, 0, null, NotPolled)).ToArray();
    }

    /// <summary>Every node as last polled, in configured order.</summary>
    public IReadOnlyList<NodeStatus> Nodes => [.. _status];

    /// <summary>Asks every node once, in parallel; returns when all answered or timed out.</summary>
    public Task PollAsync(CancellationToken ct = default) => Task.WhenAll(_nodes.Select((_, i) => PollAsync(i, ct)));

    private async Task PollAsync(int i, CancellationToken ct)
    {
        var (url, _, client) = _nodes[i];
        var before = Volatile.Read(ref _status[i]);
        NodeStatus now;
        try
        {
            var node = await client.DescribeNodeAsync(new DescribeNodeRequest(),
                deadline: DateTime.UtcNow.Add(_options.PollTimeout), cancellationToken: ct);
            now = new NodeStatus(url, node.NodeId, true, node.CoresTotal, node.CoresFree, node.MemoryMibTotal, node.MemoryMibFree,
                node.Instances, DateTimeOffset.UtcNow, "");
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            var cause = e.Status.DebugException?.GetBaseException().Message;
            now = before with { Up = false, Reason = $"{e.StatusCode}: {e.Status.Detail}" + (cause is null ? "" : $" ({cause})") };
        }
        Volatile.Write(ref _status[i], now);
        if (before.Up != now.Up || before.Reason == NotPolled)
        {
            if (now.Up)
                _log.LogInformation("Node {Url} ({NodeId}) is up", url, now.NodeId);
            else
                _log.LogWarning("Node {Url} is down: {Reason}", url, now.Reason);
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

    public override void Dispose()
    {
        foreach (var (_, channel, _) in _nodes)
            channel.Dispose();
        base.Dispose();
    }
}
