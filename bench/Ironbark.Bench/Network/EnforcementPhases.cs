using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Ironbark.Nc.Tests;

namespace Ironbark.Bench.Network;

/// <summary>
/// Phases rules and addresses: each change is made while <see cref="OutsideProbe"/> probes from the outside host, and timed
/// from the call to the first of the agreeing probes that saw it. The baseline makes the same effect by hand in the same lab,
/// interleaved: for a rule, `nft insert`/`nft delete` of the same rule in the server's ingress chain (the kernel's own
/// speed plus the probe's resolution); for an address, `ip addr add` of a new address on node a, where a listener answers.
/// </summary>
internal sealed partial class EnforcementPhases(NetworkLab lab, string publicIp, NetworkResults results, TextWriter log)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);
    private const int HandPort = 7101;
    private readonly OutsideProbe _probe = new(lab.Lab!.Outside);

    /// <summary>Authorize then revoke tcp/7001 from the public LAN, <paramref name="changes"/> changes by the NC and as many by hand.</summary>
    public async Task RulesAsync(int changes, CancellationToken ct)
    {
        var target = new IPEndPoint(IPAddress.Parse(publicIp), NetworkLab.Port);
        if (await _probe.SeenAsync(target, open: false, Stopwatch.StartNew(), Limit, ct) is null)
            throw new InvalidOperationException($"{target} answers before any rule allows it.");
        for (var pair = 0; pair < changes / 2; pair++)
            foreach (var by in pair % 2 == 0 ? new[] { ChangeBy.Nc, ChangeBy.Hand } : [ChangeBy.Hand, ChangeBy.Nc])
            {
                string? handle = null;
                foreach (var open in new[] { true, false })
                {
                    var clock = Stopwatch.StartNew();
                    var seen = _probe.SeenAsync(target, open, clock, Limit, ct);
                    if (by == ChangeBy.Nc)
                        await lab.ApplyAsync(outsideToPort: open, publicIp, ct);
                    else
                        handle = await HandRuleAsync(open, handle, ct);
                    Record(results.Rules, new Enforcement(by, open, await seen), $"rule {(open ? "authorize" : "revoke")}");
                    if (open && pair == 0 && by == ChangeBy.Nc && await _probe.GreetingAsync(target, ct) is not "hello")
                        throw new InvalidOperationException($"The server at {target} did not answer 'hello' once its port was open.");
                }
            }
    }

    /// <summary>Gives the server a new public address (an answer: its host accepting or refusing the connect), <paramref name="rounds"/> times by the NC and as many by hand; each is taken away again, untimed.</summary>
    public async Task AddressesAsync(int rounds, CancellationToken ct)
    {
        await lab.ApplyAsync(outsideToPort: true, null, ct);
        var node = lab.Lab!.Node('a');
        using var listener = Process.Start("ip", ["netns", "exec", node, "busybox", "nc", "-ll", "-p", HandPort.ToString(), "-e", "/bin/echo", "hello-hand"]);
        try
        {
            for (var round = 0; round < rounds; round++)
                foreach (var by in round % 2 == 0 ? new[] { ChangeBy.Nc, ChangeBy.Hand } : [ChangeBy.Hand, ChangeBy.Nc])
                {
                    var address = by == ChangeBy.Nc ? $"203.0.113.{20 + round}" : $"203.0.113.{100 + round}";
                    var target = new IPEndPoint(IPAddress.Parse(address), by == ChangeBy.Nc ? NetworkLab.Port : HandPort);
                    var clock = Stopwatch.StartNew();
                    var seen = _probe.SeenAsync(target, open: true, clock, Limit, ct);
                    if (by == ChangeBy.Nc)
                        await lab.ApplyAsync(outsideToPort: true, address, ct);
                    else
                        await CommandLine.RunAsync("ip", ["-n", node, "addr", "add", address + "/32", "dev", "eth0"], ct);
                    Record(results.Addresses, new Enforcement(by, true, await seen), $"address {address}");
                    if (by == ChangeBy.Nc)
                        await lab.ApplyAsync(outsideToPort: true, null, ct);
                    else
                        await CommandLine.RunAsync("ip", ["-n", node, "addr", "del", address + "/32", "dev", "eth0"], ct);
                    await _probe.SeenAsync(target, open: false, Stopwatch.StartNew(), Limit, ct);
                }
        }
        finally
        {
            listener.Kill();
            await listener.WaitForExitAsync(CancellationToken.None);
        }
    }

    /// <summary>The baseline's rule: inserted at the head of the server's ingress chain (returns its handle), or deleted by it.</summary>
    private async Task<string?> HandRuleAsync(bool open, string? handle, CancellationToken ct)
    {
        var chain = "ingress_" + lab.ServerTap;
        string[] nft = open
            ? ["--echo", "--handle", "insert", "rule", "inet", "ironbark", chain, "ip", "saddr", "203.0.113.0/24", "tcp", "dport", NetworkLab.Port.ToString(), "accept"]
            : ["delete", "rule", "inet", "ironbark", chain, "handle", handle!];
        var output = await CommandLine.RunAsync("ip", ["netns", "exec", lab.ServerNamespace, "nft", .. nft], ct);
        return open ? Handle().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"nft gave no handle: {output}") : null;
    }

    private void Record(List<Enforcement> into, Enforcement e, string what)
    {
        into.Add(e);
        log.WriteLine($"{what} by {e.By}: {(e.Seen is { } s ? $"{s.TotalMilliseconds:F0} ms" : $"not seen in {Limit.TotalSeconds:F0} s")}");
    }

    [GeneratedRegex(@"# handle (\d+)")]
    private static partial Regex Handle();
}
