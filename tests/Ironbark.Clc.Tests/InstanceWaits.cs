using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>Waiting through the EC2 API for instance states and console markers, as a user's script would.</summary>
public static class InstanceWaits
{
    public static async Task<List<Instance>> DescribeAsync(this IAmazonEC2 ec2, params string[] ids) =>
        [.. ((await ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [.. ids] })).Reservations ?? []).SelectMany(r => r.Instances ?? [])];

    /// <summary>Polls DescribeInstances until every instance is in <paramref name="state"/>; fails at once if one ends up terminated instead.</summary>
    public static async Task<List<Instance>> WaitForStateAsync(this IAmazonEC2 ec2, string state, params string[] ids)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var instances = await ec2.DescribeAsync(ids);
            if (instances.All(i => i.State.Name == state))
                return instances;
            if (state != "terminated" && instances.FirstOrDefault(i => i.State.Name == "terminated") is { } ended)
                throw new InvalidOperationException($"{ended.InstanceId} was terminated while waiting for '{state}': {ended.StateReason?.Message}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Not all of {string.Join(", ", ids)} reached '{state}': {string.Join(", ", instances.Select(i => i.State.Name))}");
            await Task.Delay(250);
        }
    }

    /// <summary>Polls GetConsoleOutput until <paramref name="marker"/> appears <paramref name="times"/> times; returns the console text.</summary>
    public static async Task<string> WaitForConsoleAsync(this IAmazonEC2 ec2, string instanceId, string marker, int times = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        var text = "";
        while (DateTime.UtcNow < deadline)
        {
            var output = (await ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = instanceId })).Output;
            text = string.IsNullOrEmpty(output) ? "" : Encoding.UTF8.GetString(Convert.FromBase64String(output));
            var count = 0;
            for (var i = text.IndexOf(marker, StringComparison.Ordinal); i >= 0; i = text.IndexOf(marker, i + 1, StringComparison.Ordinal))
                count++;
            if (count >= times)
                return text;
            await Task.Delay(500);
        }
        throw new TimeoutException($"'{marker}' x{times} did not appear on the console of {instanceId}. Console:\n{text}");
    }
}
