using System.Collections.Concurrent;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Keeps every zone's CC enforcing the security groups the CLC stores. Each change (a group made or deleted, a rule
/// authorized or revoked, a default VPC with its "default" group made) sends every group of every account to each CC at
/// once (cc.proto PutSecurityGroups; the members are the CC's own knowledge), as does the start of the CLC; a zone whose
/// CC did not take the latest is tried again every ReconcileInterval, and a launch in it first sends it, so a new
/// interface is never enforced by rules older than its launch. Versions are the Unix ms of the send, kept increasing.
/// </summary>
public sealed class SecurityGroupPublisher(ClcOptions options, SecurityGroupStore store, ClusterClient clusters, TimeProvider time,
    ILogger<SecurityGroupPublisher> log) : BackgroundService
{
    private readonly SemaphoreSlim _signal = new(0);
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly ConcurrentDictionary<string, long> _held = new(StringComparer.Ordinal);
    private long _generation = 1;
    private long _version;

    /// <summary>The stored groups changed: every zone gets them now, in the background.</summary>
    public void Changed()
    {
        Interlocked.Increment(ref _generation);
        if (_signal.CurrentCount == 0)
            _signal.Release();
    }

    /// <summary>Sends the groups to the zone's CC unless it holds the latest already; a CC that cannot be reached is logged, not thrown.</summary>
    public async Task EnsurePublishedAsync(string zone, CancellationToken ct)
    {
        if (_held.GetValueOrDefault(zone) < Volatile.Read(ref _generation))
            await SendAsync([zone], ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var generation = Volatile.Read(ref _generation);
                var behind = clusters.Zones.Where(z => _held.GetValueOrDefault(z) < generation).ToList();
                if (behind.Count > 0)
                {
                    try
                    {
                        await SendAsync(behind, stoppingToken);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        log.LogError(e, "Sending the security groups to the clusters failed; trying again in {Interval}", options.ReconcileInterval);
                    }
                }
                await _signal.WaitAsync(options.ReconcileInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(IReadOnlyList<string> zones, CancellationToken ct)
    {
        await _sending.WaitAsync(ct);
        try
        {
            var generation = Volatile.Read(ref _generation);
            zones = zones.Where(z => _held.GetValueOrDefault(z) < generation).ToList();
            if (zones.Count == 0)
                return; // sent by a concurrent caller meanwhile
            var groups = await store.ListAllAsync(ct);
            _version = Math.Max(time.GetUtcNow().ToUnixTimeMilliseconds(), _version + 1);
            foreach (var zone in zones)
            {
                try
                {
                    var held = await clusters.PutSecurityGroupsAsync(zone, _version, groups, ct);
                    if (held > _version)
                    {
                        // The CC holds a later version (this CLC's clock went back): send again above it.
                        _version = held + 1;
                        held = await clusters.PutSecurityGroupsAsync(zone, _version, groups, ct);
                    }
                    if (held == _version)
                        _held[zone] = generation;
                }
                catch (ClusterException e)
                {
                    log.LogWarning("The security groups could not reach the CC of {Zone}: {Code} {Message}", zone, e.Code, e.Message);
                }
            }
        }
        finally
        {
            _sending.Release();
        }
    }
}
