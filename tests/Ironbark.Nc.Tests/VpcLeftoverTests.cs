using Ironbark.Testing;

namespace Ironbark.Nc.Tests;

/// <summary>
/// A start after a crash removes what the crashed NC left of its VPC networks: a namespace with its prefix that no running
/// VM uses, the dnsmasq it ran (found by its pid file), the proxy ARP entries it published on the uplink.
/// </summary>
public sealed class VpcLeftoverTests
{
    [Fact]
    public async Task A_start_after_a_crash_removes_the_namespaces_dnsmasq_and_published_addresses_no_vm_uses()
    {
        await using var lab = await VpcLab.StartAsync("left");
        await using var node = new VpcNode(lab, 'a', "http://127.0.0.1:9", "unused", "unused");
        var ns = lab.NcPrefix('a') + "vni999";
        var dir = Path.Combine(node.Options.StateDir, "network", "vni-999");
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "dnsmasq.conf"), $"port=0\npid-file={Path.Combine(dir, "dnsmasq.pid")}\n");
        await File.WriteAllTextAsync(Path.Combine(dir, "published"), "203.0.113.99\n");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["netns", "add", ns])).Code);
        Assert.Equal(0, (await VpcLab.InAsync(ns, "dnsmasq", "--conf-file=" + Path.Combine(dir, "dnsmasq.conf"))).Code);
        Assert.Equal(0, (await ProcessRunner.RunAsync("ip", ["-n", lab.Node('a'), "neigh", "add", "proxy", "203.0.113.99", "dev", "eth0"])).Code);
        Assert.Single(VpcLab.Dnsmasqs(node.DataDir));

        await node.StartAsync();
        try
        {
            Assert.DoesNotContain(ns, lab.Namespaces());
            Assert.Empty(VpcLab.Dnsmasqs(node.DataDir));
            Assert.False(Directory.Exists(dir));
            var (_, proxies, _) = await ProcessRunner.RunAsync("ip", ["-n", lab.Node('a'), "neigh", "show", "proxy"]);
            Assert.DoesNotContain("203.0.113.99", proxies);
            Assert.Equal(4, lab.Namespaces().Count); // the lab's own: LAN, two nodes, outside
        }
        finally
        {
            await node.StopAsync();
        }
    }
}
