using Ironbark.Testing;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The test's "hosts", all network namespaces with the prefix ibt-&lt;pid&gt;-&lt;tag&gt;-: a LAN (a bridge), two nodes on it (each
/// node's eth0 is both its underlay, 10.250.0.x, and its public uplink, 203.0.113.20x) and an "outside" host on the same
/// public LAN (203.0.113.250). Nothing of it exists in the host's own namespace; disposal removes every namespace with
/// the prefix, including the NCs' own (their prefixes extend it), and the dnsmasq processes those ran.
/// </summary>
public sealed class VpcLab : IAsyncDisposable
{
    private VpcLab(string tag) => Prefix = $"ibt-{Environment.ProcessId}-{tag}-";

    /// <summary>ibt-&lt;pid&gt;-&lt;tag&gt;-: each lab of the test run its own, so one's cleanup never touches another's.</summary>
    public string Prefix { get; }
    public string Lan => Prefix + "lan";
    public string Outside => Prefix + "outside";
    public string Node(char name) => Prefix + "node-" + name;
    public static string Underlay(char name) => name == 'a' ? "10.250.0.1" : "10.250.0.2";
    public const string OutsideAddress = "203.0.113.250";

    /// <summary>The namespace prefix of a node's NC: under the lab's prefix, so disposal removes what it left.</summary>
    public string NcPrefix(char name) => Prefix + name + "-";

    public static async Task<VpcLab> StartAsync(string tag)
    {
        var lab = new VpcLab(tag);
        try
        {
            await lab.RemoveAsync();
            await Ip("netns", "add", lab.Lan);
            await Ip("-n", lab.Lan, "link", "add", "lan0", "type", "bridge");
            await Ip("-n", lab.Lan, "link", "set", "lan0", "up");
            await lab.HostAsync(lab.Node('a'), "lan-a", [Underlay('a') + "/24", "203.0.113.201/24"]);
            await lab.HostAsync(lab.Node('b'), "lan-b", [Underlay('b') + "/24", "203.0.113.202/24"]);
            await lab.HostAsync(lab.Outside, "lan-outside", [OutsideAddress + "/24"]);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    private async Task HostAsync(string ns, string port, string[] addresses)
    {
        await Ip("netns", "add", ns);
        await Ip("-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", port, "netns", Lan);
        await Ip("-n", Lan, "link", "set", port, "master", "lan0", "up");
        foreach (var a in addresses)
            await Ip("-n", ns, "addr", "add", a, "dev", "eth0");
        await Ip("-n", ns, "link", "set", "eth0", "up");
        await Ip("-n", ns, "link", "set", "lo", "up");
    }

    /// <summary>Runs a command in one of the lab's namespaces.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> InAsync(string ns, params string[] command) =>
        ProcessRunner.RunAsync("ip", ["netns", "exec", ns, .. command], stdin: "", timeout: TimeSpan.FromSeconds(30));

    /// <summary>What is left of the lab's and its NCs' namespaces and nft tables: empty once everything is cleaned up.</summary>
    public IReadOnlyList<string> Namespaces() =>
        Directory.Exists("/run/netns") ? Directory.EnumerateFiles("/run/netns").Select(f => Path.GetFileName(f)).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToList() : [];

    /// <summary>dnsmasq processes running with a config file under <paramref name="dataDir"/>.</summary>
    public static IReadOnlyList<int> Dnsmasqs(string dataDir) =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0).Where(pid => pid > 0)
            .Where(pid =>
            {
                try
                {
                    var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
                    return cmdline.Contains("dnsmasq", StringComparison.Ordinal) && cmdline.Contains(dataDir, StringComparison.Ordinal);
                }
                catch (IOException)
                {
                    return false;
                }
            }).ToList();

    private async Task RemoveAsync()
    {
        foreach (var ns in Namespaces())
            await ProcessRunner.RunAsync("ip", ["netns", "del", ns]);
    }

    public async ValueTask DisposeAsync() => await RemoveAsync();

    private static async Task Ip(params string[] args)
    {
        var (code, _, stderr) = await ProcessRunner.RunAsync("ip", args);
        if (code != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)}: {stderr}");
    }
}
