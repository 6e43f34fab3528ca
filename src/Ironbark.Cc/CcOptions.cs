using Ironbark.Cc.Domain;
using Ironbark.Common.Pki;

namespace Ironbark.Cc;

/// <summary>What an operator sets for a Cluster Controller (see docs/cc.md).</summary>
public sealed class CcOptions
{
    /// <summary>The cloud's data directory; the CC keeps its state under DATA/cc and reads DATA/pki.</summary>
    public required string DataDir { get; init; }

    /// <summary>Where the gRPC API listens (HTTPS with client certificates), e.g. https://127.0.0.1:8774.</summary>
    public string Url { get; init; } = "https://127.0.0.1:8774";

    /// <summary>The availability zone this CC serves.</summary>
    public string Cluster { get; init; } = "cluster1";

    /// <summary>The gRPC URLs of this cluster's Node Controllers, in placement order.</summary>
    public IReadOnlyList<string> Nodes { get; init; } = [];

    /// <summary>How VMs are placed on nodes (ROUNDROBIN by default).</summary>
    public PlacementPolicyKind PlacementPolicy { get; init; } = PlacementPolicyKind.RoundRobin;

    /// <summary>How often every node is asked for its capacity.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a poll waits for a node's answer before the node counts as down.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long a launch may take on the node: it may download the images first, then starts QEMU.</summary>
    public TimeSpan LaunchTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a terminate, reboot or console call forwarded to a node may take.</summary>
    public TimeSpan NodeCallTimeout { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The CC's database on PostgreSQL; null or empty: an SQLite file in <see cref="StateDir"/>.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>The zone's public address pool for instances launched with a public IP: a CIDR (network and broadcast left out) or first-last.</summary>
    public string PublicAddresses { get; init; } = "203.0.113.0/24";

    /// <summary>
    /// Each node's address on the zone's node network (its tunnel endpoint), by node URL, for nodes that do not report
    /// one in DescribeNode (what a node reports wins).
    /// </summary>
    public IReadOnlyDictionary<string, string> NodeUnderlay { get; init; } = new Dictionary<string, string>();

    /// <summary>The private DNS domain of launches that do not name one: ip-a-b-c-d.DOMAIN.</summary>
    public string DnsDomain { get; init; } = "ironbark.compute.internal";

    public string StateDir => Path.Combine(DataDir, "cc");

    /// <summary>Refuses options the CC cannot run with, before anything starts; the message names the option.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDir))
            throw new ArgumentException("DataDir must name a directory.");
        if (!MutualTls.IsListenUrl(Url))
            throw new ArgumentException($"Url '{Url}' is not an https URL with an IP address (or localhost) to listen on.");
        if (string.IsNullOrWhiteSpace(Cluster) || Cluster.Any(char.IsWhiteSpace))
            throw new ArgumentException($"Cluster '{Cluster}' is not an availability zone name (non-empty, without spaces).");
        foreach (var node in Nodes)
            if (!Uri.TryCreate(node, UriKind.Absolute, out var url) || url.Scheme != "https")
                throw new ArgumentException($"Nodes: '{node}' is not the https URL of a Node Controller.");
        if (!Enum.IsDefined(PlacementPolicy))
            throw new ArgumentException($"PlacementPolicy {(int)PlacementPolicy} is none of GREEDY, ROUNDROBIN and POWERSAVE.");
        if (PublicAddressPool.TryParse(PublicAddresses, out var poolError) is null)
            throw new ArgumentException($"PublicAddresses: {poolError}.");
        foreach (var (node, ip) in NodeUnderlay)
        {
            if (!Nodes.Contains(node))
                throw new ArgumentException($"NodeUnderlay: '{node}' is not one of the Nodes.");
            if (!System.Net.IPAddress.TryParse(ip, out var address) || address.ToString() != ip)
                throw new ArgumentException($"NodeUnderlay: '{ip}' (node {node}) is not an IP address.");
        }
        if (!IsDnsDomain(DnsDomain))
            throw new ArgumentException($"DnsDomain '{DnsDomain}' is not a DNS domain (labels of letters, digits and '-', separated by dots).");
        Positive(PollInterval, nameof(PollInterval));
        Positive(PollTimeout, nameof(PollTimeout));
        Positive(LaunchTimeout, nameof(LaunchTimeout));
        Positive(NodeCallTimeout, nameof(NodeCallTimeout));
    }

    private static bool IsDnsDomain(string domain) =>
        domain.Length is > 0 and <= 253 && domain.Split('.').All(l => l.Length is > 0 and <= 63 && l[0] != '-' && l[^1] != '-'
            && l.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'));

    private static void Positive(TimeSpan value, string option)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentException($"{option} must be more than 0, not {value}.");
    }
}
