using System.Globalization;
using System.Net;
using System.Text;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>
/// The dnsmasq of one VPC namespace: DHCP for this node's VMs only (each its fixed address by MAC, static ranges, so
/// no one else gets a lease), router and DNS = the subnet's gateway, the search domain, and the VPC's private names
/// (ip-a-b-c-d.&lt;domain&gt;, synth-domain). Its files live under the NC's data directory; it is found again by its pid file.
/// </summary>
internal static class Dnsmasq
{
    /// <param name="subnets">Each subnet of the VPC with a VM on this node: its CIDR and gateway.</param>
    public static string Config(VpcLayout layout, IReadOnlyCollection<(string Cidr, string Gateway)> subnets, string domain, string vpcCidr, int mtu)
    {
        var s = new StringBuilder();
        s.AppendLine($"interface={VpcLayout.Bridge}").AppendLine("bind-dynamic").AppendLine("except-interface=lo");
        s.AppendLine("no-resolv").AppendLine("no-hosts").AppendLine("user=root").AppendLine("dhcp-authoritative");
        s.AppendLine($"pid-file={layout.DnsmasqPid}").AppendLine($"dhcp-leasefile={layout.DnsmasqLeases}").AppendLine($"dhcp-hostsfile={layout.DnsmasqHosts}");
        var i = 0;
        foreach (var (cidr, gateway) in subnets.OrderBy(x => x.Cidr, StringComparer.Ordinal))
        {
            var net = IPNetwork.Parse(cidr);
            var tag = $"s{i++}";
            s.AppendLine($"dhcp-range=set:{tag},{net.BaseAddress},static,{Mask(net.PrefixLength)},12h");
            s.AppendLine($"dhcp-option=tag:{tag},option:router,{gateway}");
            s.AppendLine($"dhcp-option=tag:{tag},option:dns-server,{gateway}");
        }
        s.AppendLine(CultureInfo.InvariantCulture, $"dhcp-option=option:mtu,{mtu}");
        if (domain.Length > 0)
        {
            s.AppendLine($"domain={domain}").AppendLine($"dhcp-option=option:domain-search,{domain}");
            s.AppendLine($"synth-domain={domain},{vpcCidr},ip-");
            s.AppendLine($"local=/{domain}/");
        }
        return s.ToString();
    }

    public static string Hosts(IEnumerable<VpcPort> ports) =>
        string.Concat(ports.OrderBy(p => p.PrivateIp, StringComparer.Ordinal).Select(p => $"{p.Mac},{p.PrivateIp},ip-{p.PrivateIp.Replace('.', '-')},infinite\n"));

    /// <summary>The pid of this VPC's dnsmasq when it runs (the pid file names a live dnsmasq started with this config), else null.</summary>
    public static int? Running(VpcLayout layout)
    {
        try
        {
            if (!int.TryParse(File.ReadAllText(layout.DnsmasqPid).Trim(), out var pid))
                return null;
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline");
            return cmdline.Contains("dnsmasq", StringComparison.Ordinal) && cmdline.Contains(layout.DnsmasqConfig, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public static async Task StartAsync(VpcLayout layout, CancellationToken ct) =>
        // dnsmasq forks into the background once it listens and has written its pid file.
        await HostCommand.RunAsync(layout.Namespace, "dnsmasq", [$"--conf-file={layout.DnsmasqConfig}"], ct);

    /// <summary>Ends this VPC's dnsmasq (by its pid file) and waits for it to go.</summary>
    public static async Task StopAsync(VpcLayout layout)
    {
        if (Running(layout) is not { } pid)
            return;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TimeoutException)
        {
            // Gone already.
        }
        File.Delete(layout.DnsmasqPid);
    }

    /// <summary>dnsmasq re-reads its dhcp-hostsfile on SIGHUP.</summary>
    public static void Reload(int pid) => Signal(pid, 1);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int pid, int signal);

    private static string Mask(int prefix) => new IPAddress(IPAddress.HostToNetworkOrder(prefix == 0 ? 0 : unchecked((int)(uint.MaxValue << (32 - prefix))))).ToString();
}
