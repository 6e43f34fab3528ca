using Ironbark.Testing;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// `up`'s VM network namespaces (node, uplink, outside; named by the data directory) exist while it runs, with the
/// public pool and the elastic IPs routed onto the uplink in the outside one, and are gone once it stops, by SIGTERM
/// or Ctrl-C; what a kill -9 left is removed by the next start of the same data directory.
/// </summary>
public sealed class VmNetworkLifecycleTests
{
    [Fact]
    public async Task Up_makes_its_namespaces_and_removes_them_at_stop_and_after_a_crash()
    {
        await using var cloud = await Cloud.StartAsync();
        var outside = cloud.OutsideNamespace;
        Assert.True(outside is not null, $"no outside namespace in endpoints.json:\n{cloud.Process.Output}");
        var prefix = outside[..^"outside".Length];
        Assert.Equal([prefix + "node", prefix + "outside", prefix + "uplink"], Namespaces(prefix));
        var (_, routes, _) = await ProcessRunner.RunAsync("ip", ["-n", outside, "route"]);
        Assert.Contains("203.0.113.0/24 dev eth0", routes);
        Assert.Contains("198.51.100.0/24 dev eth0", routes);
        var (_, env, _) = await cloud.RunCommandAsync("env");
        Assert.Contains($"export IRONBARK_OUTSIDE_NETNS={outside}", env);

        Assert.Equal(0, await cloud.Process.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.Empty(Namespaces(prefix));

        // kill -9 leaves them; the next start of the same data directory removes and makes them anew.
        await cloud.StartProcessAsync();
        Assert.Equal(3, Namespaces(prefix).Count);
        await cloud.Process.KillAsync();
        Assert.Equal(3, Namespaces(prefix).Count);
        await cloud.StartProcessAsync();
        Assert.Equal(outside, cloud.OutsideNamespace);
        Assert.Equal(0, await cloud.Process.StopAsync(TimeSpan.FromSeconds(60), interrupt: true));
        Assert.Empty(Namespaces(prefix));
    }

    [Fact]
    public async Task Two_clouds_get_namespaces_of_their_own()
    {
        await using var a = await Cloud.StartAsync();
        await using var b = await Cloud.StartAsync();
        Assert.NotNull(a.OutsideNamespace);
        Assert.NotNull(b.OutsideNamespace);
        Assert.NotEqual(a.OutsideNamespace, b.OutsideNamespace);
    }

    private static List<string> Namespaces(string prefix) =>
        Directory.Exists("/run/netns")
            ? [.. Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)]
            : [];
}
