using System.Text.Json;
using System.Threading.Channels;
using Ironbark.Cc.Drivers;
using Ironbark.Cc.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>
/// Pushes every node its network view (ApplyNetworkView): shortly after a change of the zone's network (changes that
/// arrive together share one round) to the nodes whose view it changed, and on every poll interval to all nodes, so
/// a node that was down or restarted converges. A round whose views differ from those of the version in force takes a
/// new version from the store, so versions only ever grow, also across restarts of the CC.
/// </summary>
public sealed class NetworkViewPublisher(CcOptions options, InterfaceStore interfaces, SecurityGroupStore groups, ViewVersionStore versions,
    NodeRegistry registry, NodeClient nodes, ILogger<NetworkViewPublisher> log) : BackgroundService
{
    /// <summary>How long a round waits after a change for the changes that come with it.</summary>
    public static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(20);

    private readonly Channel<bool> _changed = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<string, string> _stamped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _applied = new(StringComparer.Ordinal);
    private long _version = -1;

    /// <summary>Something in the zone's network changed: a round runs soon.</summary>
    public void Changed() => _changed.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A CC that just started tells every node what its store holds, without waiting for a change or the timer.
        Changed();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var changed = await WaitAsync(stoppingToken);
                if (changed)
                {
                    await Task.Delay(Coalesce, stoppingToken);
                    _changed.Reader.TryRead(out _);
                }
                try
                {
                    await PublishAsync(everyNode: !changed, stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError(e, "Could not build the zone's network views; trying again at the next change or poll");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>True on a change, false when the poll interval passed without one.</summary>
    private async Task<bool> WaitAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.PollInterval);
        try
        {
            await _changed.Reader.ReadAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task PublishAsync(bool everyNode, CancellationToken ct)
    {
        var zone = await interfaces.ListAsync(ct: ct);
        var definitions = await groups.ListAsync(ct);
        var polled = registry.Nodes;
        var endpoints = polled.Select(n => (n.Url, n.NodeId, UnderlayIp: UnderlayOf(n))).ToList();
        var views = polled.ToDictionary(n => n.Url, n => NetworkViewBuilder.Build(0, n.Url, zone, definitions, endpoints));
        var prints = views.ToDictionary(v => v.Key, v => JsonSerializer.Serialize(v.Value));

        if (_version < 0)
            _version = await versions.CurrentAsync(ct);
        if (_version == 0 || prints.Any(p => _stamped.GetValueOrDefault(p.Key) != p.Value))
        {
            _version = await versions.NextAsync(ct);
            foreach (var (url, print) in prints)
                _stamped[url] = print;
        }
        // A change round skips nodes known to be down (the poll round tries them): one that does not answer must not hold up the rest.
        var targets = polled.Where(n => everyNode || (n.Up && _applied.GetValueOrDefault(n.Url) != prints[n.Url])).ToList();
        await Task.WhenAll(targets.Select(n => PushAsync(n.Url, views[n.Url] with { Version = _version }, prints[n.Url], ct)));
    }

    private async Task PushAsync(string url, NodeNetworkView view, string print, CancellationToken ct)
    {
        try
        {
            var inForce = await nodes.ApplyNetworkViewAsync(url, view, ct);
            lock (_applied)
                _applied[url] = print;
            if (inForce > view.Version)
                log.LogWarning("Node {NodeUrl} holds network view {InForce}, newer than this CC's {Version}", url, inForce, view.Version);
        }
        catch (Exception e) when (e is NodeUnavailableException or CcException)
        {
            lock (_applied)
                _applied.Remove(url);
            log.LogWarning("Node {NodeUrl} did not take network view {Version}: {Reason}", url, view.Version, e.Message);
        }
    }

    /// <summary>What the node says its underlay address is, else what the operator configured for it.</summary>
    private string UnderlayOf(NodeStatus node) =>
        node.UnderlayIp.Length > 0 ? node.UnderlayIp : options.NodeUnderlay.GetValueOrDefault(node.Url, "");
}
