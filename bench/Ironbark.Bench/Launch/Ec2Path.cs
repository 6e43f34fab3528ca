using System.Diagnostics;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Ironbark.Bench.Nc;

namespace Ironbark.Bench.Launch;

/// <summary>
/// A launch as a user makes it: one RunInstances call to the CLC (AWSSDK.EC2, m1.small, the test
/// guest image, MinCount = MaxCount = N), which places the instances through the CC on the NC;
/// running is when DescribeInstances (polled every 50 ms) first shows every one `running`.
/// </summary>
public sealed class Ec2Path(AllInOneCloud cloud, string pidFile) : ILaunchPath
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly string UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes(NcLaunchRequest.UserData));

    public const string DisplayName = "EC2 (CLC → CC → NC)";

    public string Name => DisplayName;

    public async Task<BatchTiming> LaunchAsync(int count, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var reservation = (await cloud.Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = cloud.ImageId, InstanceType = InstanceType.M1Small, MinCount = count, MaxCount = count, UserData = UserData,
        }, ct)).Reservation;
        var answered = clock.Elapsed;
        var ids = reservation.Instances.Select(i => i.InstanceId).ToList();
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var ready = ReadyMarkers.LastAsync(ids, cloud.ConsolePath, clock, failed.Token);
        try
        {
            if (ids.Count != count)
                throw new InvalidOperationException($"RunInstances of {count} launched {ids.Count}.");
            var running = await AllRunningAsync(ids, clock, ct);
            var allReady = await ready;
            foreach (var id in ids)
                File.AppendAllText(pidFile, File.ReadAllText(cloud.QemuPidPath(id)).Trim() + "\n");
            return new BatchTiming(Name, count, answered, running, allReady, ids);
        }
        catch
        {
            await failed.CancelAsync();
            try
            {
                await TerminateAsync(ids, CancellationToken.None);
            }
            catch (Exception e) when (e is AmazonEC2Exception or TimeoutException or HttpRequestException)
            {
                // The caller sees the first failure; the cloud's dispose terminates what is left.
            }
            throw;
        }
    }

    /// <summary>When DescribeInstances first showed every instance running; fails at once when one ends instead, with its reason.</summary>
    private async Task<TimeSpan> AllRunningAsync(List<string> ids, Stopwatch clock, CancellationToken ct)
    {
        while (true)
        {
            var instances = await DescribeAsync(ids, ct);
            var at = clock.Elapsed;
            if (instances.FirstOrDefault(i => i.State.Name == InstanceStateName.Terminated || i.State.Name == InstanceStateName.ShuttingDown) is { } ended)
                throw new InvalidOperationException($"Instance {ended.InstanceId} is {ended.State.Name.Value}: {ended.StateReason?.Message ?? ended.StateTransitionReason}");
            if (instances.Count == ids.Count && instances.All(i => i.State.Name == InstanceStateName.Running))
                return at;
            if (at > ReadyMarkers.Timeout)
                throw new TimeoutException($"Not all of {string.Join(", ", ids)} running after {ReadyMarkers.Timeout}: {string.Join(", ", instances.Select(i => $"{i.InstanceId} {i.State.Name.Value}"))}");
            await Task.Delay(Poll, ct);
        }
    }

    public async Task TerminateAsync(IReadOnlyList<string> instanceIds, CancellationToken ct)
    {
        await cloud.Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. instanceIds] }, ct);
        var deadline = Stopwatch.StartNew();
        while ((await DescribeAsync([.. instanceIds], ct)).Any(i => i.State.Name != InstanceStateName.Terminated))
        {
            if (deadline.Elapsed > TimeSpan.FromMinutes(1))
                throw new TimeoutException($"{string.Join(", ", instanceIds)} not terminated after a minute.");
            await Task.Delay(Poll * 2, ct);
        }
    }

    private async Task<List<Instance>> DescribeAsync(List<string> ids, CancellationToken ct) =>
        (await cloud.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = ids }, ct))
        .Reservations?.SelectMany(r => r.Instances ?? []).ToList() ?? [];
}
