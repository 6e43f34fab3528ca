using Ironbark.Common.Processes;

namespace Ironbark.Nc.Drivers.Network.Vpc;

/// <summary>The Linux tools the VPC driver drives (ip, bridge, nft, sysctl, dnsmasq), run in a named network namespace or in the NC's own.</summary>
internal static class HostCommand
{
    /// <summary>Runs the command and throws with its error output when it fails.</summary>
    public static async Task RunAsync(string? ns, string program, IEnumerable<string> args, CancellationToken ct)
    {
        var (code, _, stderr) = await TryAsync(ns, program, args, ct);
        if (code != 0)
            throw new IOException($"{program} {string.Join(' ', args)}{(ns is null ? "" : $" (in namespace {ns})")} failed: {stderr.Trim()}");
    }

    /// <summary>Runs the command and answers its exit code and output, for steps that may find their work already done.</summary>
    public static Task<(int Code, string Stdout, string Stderr)> TryAsync(string? ns, string program, IEnumerable<string> args, CancellationToken ct) =>
        ns is null ? CommandRunner.RunAsync(program, args, TimeSpan.FromSeconds(30), ct)
            : CommandRunner.RunAsync("ip", ["netns", "exec", ns, program, .. args], TimeSpan.FromSeconds(30), ct);

    /// <summary>`ip [-n ns] args`: an ip command aimed at a namespace (null: the NC's own).</summary>
    public static Task IpAsync(string? ns, CancellationToken ct, params string[] args) =>
        RunAsync(null, "ip", ns is null ? args : ["-n", ns, .. args], ct);

    public static async Task<bool> TryIpAsync(string? ns, CancellationToken ct, params string[] args) =>
        (await TryAsync(null, "ip", ns is null ? args : ["-n", ns, .. args], ct)).Code == 0;

    public static Task SysctlAsync(string? ns, string setting, CancellationToken ct) => RunAsync(ns, "sysctl", ["-qw", setting], ct);

    /// <summary>The network namespaces that exist (ip netns: /run/netns).</summary>
    public static IReadOnlyList<string> Namespaces() =>
        Directory.Exists("/run/netns") ? Directory.EnumerateFiles("/run/netns").Select(Path.GetFileName).OfType<string>().ToList() : [];
}
