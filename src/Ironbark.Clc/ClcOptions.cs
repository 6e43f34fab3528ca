using Ironbark.Common.Auth;
using Ironbark.Clc.Domain;

namespace Ironbark.Clc;

/// <summary>What an operator sets for the Cloud Controller (see docs/clc.md).</summary>
public sealed class ClcOptions
{
    /// <summary>Where the CLC's SQLite database (clc.db) and its state directory (clc/) live.</summary>
    public required string DataDir { get; init; }

    /// <summary>The address the EC2 Query API listens on (port 0 picks a free one).</summary>
    public string Url { get; init; } = "http://127.0.0.1:8773";

    /// <summary>
    /// The address of the CLC's internal gRPC API (identity.proto, mutual TLS as the "clc" certificate), where
    /// Walrus resolves access keys; port 0 picks a free one.
    /// </summary>
    public string InternalUrl { get; init; } = "https://127.0.0.1:8777";

    /// <summary>The URL DescribeRegions gives clients (e.g. behind a proxy or when listening on 0.0.0.0); default: where the CLC listens.</summary>
    public string? AdvertisedUrl { get; init; }

    /// <summary>The cloud's one region.</summary>
    public string Region { get; init; } = "ironbark";

    /// <summary>Which credential scopes and SigV2 expiries signed requests may have (docs/configuration.md).</summary>
    public RequestSigningOptions Signing { get; init; } = new();

    /// <summary>The availability zones (one per cluster) DescribeAvailabilityZones lists.</summary>
    public IReadOnlyList<string> AvailabilityZones { get; init; } = ["ironbark-a"];

    /// <summary>
    /// The gRPC URL of each zone's Cluster Controller (mutual TLS, as the CLC's "clc" certificate);
    /// a zone without one lists but runs no instances.
    /// </summary>
    public IReadOnlyDictionary<string, string> ClusterControllers { get; init; } = new Dictionary<string, string>();

    /// <summary>How many instances not yet terminated one account may have (InstanceLimitExceeded beyond).</summary>
    public int MaxInstancesPerAccount { get; init; } = 1000;

    /// <summary>The address range of every account's default VPC; each zone's default subnet is a /20 of it, in zone order (docs/vpc.md).</summary>
    public string DefaultVpcCidr { get; init; } = "172.31.0.0/16";

    /// <summary>The region's pool of elastic IPs (AllocateAddress), as a CIDR or "first-last"; it must not overlap a CC's pool of public addresses.</summary>
    public string ElasticIpRange { get; init; } = "198.51.100.0/24";

    /// <summary>How many elastic IPs one account may hold (AddressLimitExceeded beyond); DescribeAccountAttributes' max-elastic-ips.</summary>
    public int MaxElasticIpsPerAccount { get; init; } = 5;

    /// <summary>How often the CLC compares its instances with what the CCs report, and closes the gap.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a terminated instance is still listed by DescribeInstances (an hour, as on AWS).</summary>
    public TimeSpan TerminatedVisibility { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The instance types DescribeInstanceTypes lists; default: the Eucalyptus family and small t2 types.</summary>
    public IReadOnlyList<InstanceTypeSpec> InstanceTypes { get; init; } = InstanceTypeSpec.EucalyptusDefaults;

    /// <summary>PostgreSQL connection string for the CLC's state; empty for SQLite in the data directory.</summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>Walrus, where image manifests are read (RegisterImage); null when this CLC registers no images.</summary>
    public string? WalrusUrl { get; init; }

    /// <summary>The cloud's system credentials, with which the CLC reads manifests from Walrus (DATA/pki/system.credentials).</summary>
    public string? WalrusAccessKeyId { get; init; }

    public string? WalrusSecretAccessKey { get; init; }

    /// <summary>Refuses options the CLC cannot run with, before anything starts.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Region))
            throw new ArgumentException("The region must not be empty.");
        Signing.Validate();
        if (AvailabilityZones.Count == 0 || AvailabilityZones.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("At least one availability zone, with a non-empty name, is needed.");
        if (AvailabilityZones.Distinct(StringComparer.Ordinal).Count() != AvailabilityZones.Count)
            throw new ArgumentException("Availability zone names must be unique.");
        if (InstanceTypes.Count == 0 || InstanceTypes.Any(t => string.IsNullOrWhiteSpace(t.Name) || t.VCpus < 1 || t.MemoryMiB < 1 || t.RootDiskGiB < 1))
            throw new ArgumentException("At least one instance type is needed, each with a name and positive vCPUs, memory and root disk.");
        if (InstanceTypes.DistinctBy(t => t.Name, StringComparer.Ordinal).Count() != InstanceTypes.Count)
            throw new ArgumentException("Instance type names must be unique.");
        foreach (var (zone, cc) in ClusterControllers)
        {
            if (!AvailabilityZones.Contains(zone))
                throw new ArgumentException($"The Cluster Controller {cc} serves '{zone}', which is not one of the availability zones.");
            if (!Uri.TryCreate(cc, UriKind.Absolute, out var ccUrl) || ccUrl.Scheme != "https")
                throw new ArgumentException($"'{cc}' is not an https URL of a Cluster Controller.");
        }
        try
        {
            AddressRange.Parse(ElasticIpRange);
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"ElasticIpRange: {e.Message}");
        }
        if (MaxElasticIpsPerAccount < 0)
            throw new ArgumentException("MaxElasticIpsPerAccount must not be negative.");
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var listenUrl) || listenUrl.Scheme is not ("http" or "https"))
            throw new ArgumentException($"'{Url}' is not an http(s) URL to listen on.");
        if (!Uri.TryCreate(InternalUrl, UriKind.Absolute, out var internalUrl) || internalUrl.Scheme != "https")
            throw new ArgumentException($"'{InternalUrl}' is not an https URL for the internal API to listen on.");
        if (!Ipv4Block.TryParse(DefaultVpcCidr, out var vpc) || vpc.PrefixLength is < 16 or > Ipv4Block.DefaultSubnetPrefix
            || vpc.Size < (long)AvailabilityZones.Count * Ipv4Block.DefaultSubnetSize)
            throw new ArgumentException($"The default VPC CIDR '{DefaultVpcCidr}' must be an IPv4 network from /16 to /20 with room for a /20 per availability zone.");
        if (MaxElasticIpsPerAccount < 0)
            throw new ArgumentException("The elastic IP limit per account must not be negative.");
        if (WalrusUrl is not null && (string.IsNullOrEmpty(WalrusAccessKeyId) || string.IsNullOrEmpty(WalrusSecretAccessKey)))
            throw new ArgumentException("A Walrus URL needs the system credentials to read manifests with.");
    }
}
