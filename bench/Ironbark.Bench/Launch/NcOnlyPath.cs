using System.Diagnostics;
using Ironbark.Bench.Nc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Bench.Launch;

/// <summary>
/// The NC-only launch of the node benchmark: RunInstance calls straight to an NC over mutual TLS as
/// the CC, one per instance, all at once; no CLC, no CC.
/// </summary>
public sealed class NcOnlyPath(NcCloud node, GuestImages guest) : ILaunchPath
{
    public const string DisplayName = "NC only";

    public string Name => DisplayName;

    public async Task<BatchTiming> LaunchAsync(int count, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, count).Select(_ => NcLaunchRequest.NewInstanceId()).ToList();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var clock = Stopwatch.StartNew();
        var ready = ReadyMarkers.LastAsync(ids, node.ConsolePath, clock, failed.Token);
        try
        {
            var answered = (await Task.WhenAll(ids.Select(async id =>
            {
                var status = await node.Client.RunInstanceAsync(NcLaunchRequest.For(id, guest), deadline: DateTime.UtcNow.AddMinutes(2), cancellationToken: ct);
                node.Track(status.Pid);
                if (status.State != "running")
                    throw new InvalidOperationException($"RunInstance {id} answered state {status.State}: {status.Reason}");
                return clock.Elapsed;
            }))).Max();
            return new BatchTiming(Name, count, answered, answered, await ready, ids);
        }
        catch
        {
            await failed.CancelAsync();
            // Best effort: some of them may never have been launched; the caller sees the first failure.
            await Task.WhenAll(ids.Select(id => node.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id },
                deadline: DateTime.UtcNow.AddSeconds(60)).ResponseAsync.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }
    }

    public async Task TerminateAsync(IReadOnlyList<string> instanceIds, CancellationToken ct)
    {
        var states = await Task.WhenAll(instanceIds.Select(async id =>
            (await node.Client.TerminateInstanceAsync(new InstanceRef { InstanceId = id }, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: ct)).State));
        if (states.Any(s => s != "terminated"))
            throw new InvalidOperationException($"TerminateInstance left states {string.Join(", ", states)}.");
    }
}
