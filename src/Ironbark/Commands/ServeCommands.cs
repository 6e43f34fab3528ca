using System.CommandLine;
using Ironbark.Cc;
using Ironbark.Cc.Domain;
using Ironbark.Clc;
using Ironbark.Clc.Identity;
using Ironbark.Cloud;
using Ironbark.Common.Auth;
using Ironbark.Common.Data;
using Ironbark.Nc;
using Ironbark.Walrus;
using Ironbark.Common.Hosting;

namespace Ironbark.Commands;

/// <summary>
/// `ironbark up` (every component this host runs, all-in-one), `ironbark clc`, `ironbark walrus`,
/// `ironbark cc` and `ironbark nc` (one component each), all in the foreground until Ctrl-C or SIGTERM. Components talk to each
/// other over the network exactly as when they run on different hosts.
/// </summary>
public static class ServeCommands
{
    private static readonly Option<string> ClcListen = new("--clc-listen") { Description = "Cloud Controller (EC2 API) listen address", DefaultValueFactory = _ => "http://127.0.0.1:8773" };
    private static readonly Option<string> WalrusListen = new("--walrus-listen") { Description = "Walrus listen address", DefaultValueFactory = _ => "http://127.0.0.1:8779" };
    private static readonly Option<string> S3Domain = new("--s3-domain") { Description = "Domain for virtual-hosted-style bucket addressing", DefaultValueFactory = _ => "s3.ironbark.localhost" };
    private static readonly Option<string> NcListen = new("--nc-listen") { Description = "Node Controller gRPC address (mutual TLS)", DefaultValueFactory = _ => "https://127.0.0.1:8775" };
    private static readonly Option<string> CcListen = new("--cc-listen") { Description = "Cluster Controller gRPC address (mutual TLS)", DefaultValueFactory = _ => "https://127.0.0.1:8774" };
    private static readonly Option<string[]> Node = new("--node")
    {
        Description = "A Node Controller of this cluster (its gRPC URL); repeat for more, in placement order (default: the NC this data directory announced)",
    };
    private static readonly Option<string> Placement = new("--placement")
    {
        Description = "How VMs are placed on nodes: GREEDY, ROUNDROBIN or POWERSAVE (docs/cc.md)", DefaultValueFactory = _ => "ROUNDROBIN",
    };
    private static readonly Option<int> InlineMaxBytes = new("--walrus-inline-max-bytes")
    {
        Description = "Objects up to this many bytes keep them in their metadata row instead of a blob file; 0: a file for every object (docs/walrus.md)",
        DefaultValueFactory = _ => WalrusOptions.DefaultInlineMaxBytes,
    };
    private const int InlineMaxBytesLimit = 1024 * 1024;
    private static readonly Option<string[]> AcceptedRegion = new("--accepted-region")
    {
        Description = "A region SigV4 credentials may be scoped to besides the cloud's own; repeat for more (default: us-east-1, what S3 clients sign with when no region is set)",
        DefaultValueFactory = _ => [.. RequestSigningOptions.DefaultRegionAliases],
    };
    private static readonly Option<long> SigV2MaxExpiry = new("--sigv2-max-expiry-seconds")
    {
        Description = "How far in the future a Signature Version 2 query signature (Expires) may end, in seconds (default: 7 days, as SigV4 presigned URLs)",
        DefaultValueFactory = _ => (long)RequestSigningOptions.DefaultMaxQueryV2Expiry.TotalSeconds,
    };

    private static readonly Option<string> UpNetwork = new("--network")
    {
        Description = "The VMs' network: vpc (namespaces of this cloud's own, security groups, public and elastic IPs; root, ip, nft, dnsmasq), user (QEMU user networking) or auto (vpc when possible)",
        DefaultValueFactory = _ => "auto",
    };
    private static readonly Option<string> NcNetwork = new("--network")
    {
        Description = "The VMs' network: user (QEMU user networking) or vpc (docs/network-node.md; needs --underlay-address and --uplink-interface)",
        DefaultValueFactory = _ => "user",
    };
    private static readonly Option<string?> UnderlayNamespace = new("--underlay-namespace") { Description = "vpc: the network namespace of the zone's node network (default: the NC's own)" };
    private static readonly Option<string?> UnderlayAddress = new("--underlay-address") { Description = "vpc: this node's IPv4 address on the zone's node network (the other nodes' VXLAN goes to it)" };
    private static readonly Option<string?> UplinkNamespace = new("--uplink-namespace") { Description = "vpc: the network namespace of the public uplink (default: the NC's own)" };
    private static readonly Option<string?> UplinkInterface = new("--uplink-interface") { Description = "vpc: the interface on the public network (proxy ARP for the public addresses)" };
    private static readonly Option<string> NetworkNamespacePrefix = new("--network-namespace-prefix")
    {
        Description = "vpc: the prefix of the namespaces this NC makes (PREFIXvni<vni>); it removes unused ones with it, so give each NC of a host its own",
        DefaultValueFactory = _ => "ironbark-",
    };
    private static readonly Option<string[]> CloudEndpoint = new("--cloud-endpoint")
    {
        Description = "vpc: PORT=URL relays guests' connections to 169.254.169.254:PORT to the URL (e.g. 8773=http://127.0.0.1:8773, the EC2 API); repeat for more",
    };
    private static readonly Option<string> PublicAddresses = new("--public-addresses")
    {
        Description = "The zone's pool of public addresses for launches (a CIDR, or first-last)", DefaultValueFactory = _ => "203.0.113.0/24",
    };
    private static readonly Option<string> ElasticIpRange = new("--elastic-ip-range")
    {
        Description = "The region's pool of elastic IPs (a CIDR, or first-last); it must not overlap --public-addresses", DefaultValueFactory = _ => "198.51.100.0/24",
    };
    private static readonly Option<string[]> NodeUnderlay = new("--node-underlay")
    {
        Description = "URL=IP: a node's address on the zone's node network (its VXLAN endpoint), for a node that does not report one; repeat for more",
    };
    private static readonly Option<string> DnsDomain = new("--dns-domain")
    {
        Description = "The private DNS domain of instances (ip-a-b-c-d.DOMAIN)", DefaultValueFactory = _ => "ironbark.compute.internal",
    };

    static ServeCommands()
    {
        NetworkValidators();
        Placement.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } name && !PlacementPolicy.TryParse(name, out _))
                result.AddError($"Unknown placement policy '{name}': use GREEDY, ROUNDROBIN or POWERSAVE.");
        });
        AcceptedRegion.Validators.Add(result => ValidateSigning(result, new RequestSigningOptions { AcceptedRegionAliases = result.GetValueOrDefault<string[]>() ?? [] }));
        SigV2MaxExpiry.Validators.Add(result => ValidateSigning(result, new RequestSigningOptions
        {
            MaxQueryV2Expiry = TimeSpan.FromSeconds(Math.Clamp(result.GetValueOrDefault<long>(), 0, 100L * 365 * 86400)),
        }));
        InlineMaxBytes.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > InlineMaxBytesLimit)
                result.AddError($"--walrus-inline-max-bytes must be between 0 and {InlineMaxBytesLimit} (a small object is read into memory whole).");
        });
    }

    private static void NetworkValidators()
    {
        UpNetwork.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is not ("auto" or "vpc" or "user") and var mode)
                result.AddError($"Unknown --network '{mode}': use auto, vpc or user.");
        });
        NcNetwork.Validators.Add(result => ValidateNode(result, o => o with { Network = result.GetValueOrDefault<string>()! }));
        NetworkNamespacePrefix.Validators.Add(result => ValidateNode(result, o => o with { NetworkNamespacePrefix = result.GetValueOrDefault<string>()! }));
        UnderlayAddress.Validators.Add(result => ValidateNode(result, o => o with { Network = "vpc", UnderlayAddress = result.GetValueOrDefault<string?>() }, "--underlay-address"));
        UplinkInterface.Validators.Add(result => ValidateNode(result, o => o with { Network = "vpc", UplinkInterface = result.GetValueOrDefault<string?>() }, "--uplink-interface"));
        UnderlayNamespace.Validators.Add(result => ValidateNode(result, o => o with { Network = "vpc", UnderlayNamespace = result.GetValueOrDefault<string?>() }, "--underlay-namespace"));
        UplinkNamespace.Validators.Add(result => ValidateNode(result, o => o with { Network = "vpc", UplinkNamespace = result.GetValueOrDefault<string?>() }, "--uplink-namespace"));
        CloudEndpoint.Validators.Add(result =>
        {
            try
            {
                _ = CloudEndpoints(result.GetValueOrDefault<string[]>() ?? []);
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        foreach (var (option, name) in new[] { (PublicAddresses, "--public-addresses"), (ElasticIpRange, "--elastic-ip-range") })
            option.Validators.Add(result =>
            {
                if (PublicAddressPool.TryParse(result.GetValueOrDefault<string>() ?? "", out var error) is null)
                    result.AddError($"{name}: {error}.");
            });
        NodeUnderlay.Validators.Add(result =>
        {
            try
            {
                _ = NodeUnderlays(result.GetValueOrDefault<string[]>() ?? []);
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
            }
        });
        DnsDomain.Validators.Add(result =>
        {
            try
            {
                new CcOptions { DataDir = "/", DnsDomain = result.GetValueOrDefault<string>() ?? "" }.Validate();
            }
            catch (ArgumentException e)
            {
                result.AddError($"--dns-domain: {e.Message}");
            }
        });
    }

    /// <summary>Checks one NC network flag with the NC's own validation, on options otherwise valid.</summary>
    private static void ValidateNode(System.CommandLine.Parsing.OptionResult result, Func<NcOptions, NcOptions> with, string? flag = null)
    {
        var valid = new NcOptions
        {
            DataDir = "/", WalrusUrl = "http://127.0.0.1:8779", AccessKeyId = "-", SecretAccessKey = "-",
            UnderlayAddress = "10.250.0.1", UplinkInterface = "eth0",
        };
        try
        {
            with(valid).Validate();
        }
        catch (ArgumentException e)
        {
            result.AddError(flag is null ? e.Message : $"{flag}: {e.Message}");
        }
    }

    /// <summary>--cloud-endpoint PORT=URL pairs.</summary>
    private static Dictionary<int, Func<string?>> CloudEndpoints(string[] pairs)
    {
        var endpoints = new Dictionary<int, Func<string?>>();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || !int.TryParse(pair[..eq], out var port) || !Uri.TryCreate(pair[(eq + 1)..], UriKind.Absolute, out var url)
                || url.Scheme is not ("http" or "https") || !System.Net.IPAddress.TryParse(url.Host, out _))
                throw new ArgumentException($"--cloud-endpoint takes PORT=URL with an IP address (8773=http://127.0.0.1:8773), not '{pair}'.");
            if (port is < 1 or > 65535 or 80 or 53 or 67)
                throw new ArgumentException($"--cloud-endpoint: port {port} cannot be relayed at the metadata address (1 to 65535, not 80, 53 or 67).");
            var target = url.ToString();
            endpoints[port] = () => target;
        }
        return endpoints;
    }

    /// <summary>--node-underlay URL=IP pairs.</summary>
    private static Dictionary<string, string> NodeUnderlays(string[] pairs)
    {
        var underlay = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.LastIndexOf('=');
            if (eq <= 0 || !Uri.TryCreate(pair[..eq], UriKind.Absolute, out var url) || url.Scheme != "https")
                throw new ArgumentException($"--node-underlay takes URL=IP (https://10.0.0.5:8775=10.250.0.5), not '{pair}'.");
            var ip = pair[(eq + 1)..];
            if (!System.Net.IPAddress.TryParse(ip, out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || address.ToString() != ip)
                throw new ArgumentException($"--node-underlay: '{ip}' (node {pair[..eq]}) is not an IPv4 address.");
            underlay[pair[..eq]] = ip;
        }
        return underlay;
    }

    private static void ValidateSigning(System.CommandLine.Parsing.OptionResult result, RequestSigningOptions signing)
    {
        try
        {
            signing.Validate();
        }
        catch (ArgumentException e)
        {
            result.AddError(e.Message);
        }
    }

    /// <summary>What signed requests may be scoped to and how long SigV2 query signatures last, from the command line.</summary>
    private static RequestSigningOptions Signing(ParseResult parse) => new()
    {
        AcceptedRegionAliases = parse.GetValue(AcceptedRegion) ?? [],
        MaxQueryV2Expiry = TimeSpan.FromSeconds(parse.GetValue(SigV2MaxExpiry)),
    };

    private static readonly Option<string> Accel = new("--accel") { Description = "Hypervisor acceleration: auto (KVM only if a probe boot works), kvm or tcg", DefaultValueFactory = _ => "auto" };
    private static readonly Option<string?> DemoGuestDir = new("--demo-guest")
    {
        Description = "A build of scripts/build-test-guest (its output directory) to install as the admin's public image 'ironbark-test-guest' on first start; skipped when absent",
    };
    private static readonly Option<string?> DebianGuestDir = new("--debian-guest")
    {
        Description = "A build of scripts/build-debian-guest (its output directory) to install as the admin's public image 'debian-12' on first start; skipped when absent",
    };
    private static readonly Option<string?> ProbeKernel = new("--probe-kernel")
    {
        Description = "A Linux kernel that --accel auto boots under KVM before trusting it (default: the demo guest's, else /boot/vmlinuz-*)",
    };
    private static readonly Option<string> Zone = new("--zone") { Description = "The availability zone this cluster is", DefaultValueFactory = _ => "ironbark-a" };
    private static readonly Option<string[]> Cluster = new("--cluster")
    {
        Description = "A zone's Cluster Controller as ZONE=URL (its gRPC URL); repeat for more zones (default: the CC this data directory announced, for ironbark-a)",
    };
    private static readonly Option<string?> WalrusUrl = new("--walrus-url") { Description = "Walrus to read images and manifests from (default: the one this data directory announced)" };

    private static readonly Option<string> ClcInternalListen = new("--clc-internal-listen")
    {
        Description = "The CLC's internal gRPC address (identity for Walrus; mutual TLS)", DefaultValueFactory = _ => "https://127.0.0.1:8777",
    };
    private static readonly Option<string?> ClcUrl = new("--clc-url")
    {
        Description = "The CLC's internal gRPC URL, where Walrus checks access keys (default: the one this data directory announced)",
    };
    private static readonly Option<string?> ClcPostgres = CommonOptions.ComponentPostgres("clc");
    private static readonly Option<string?> WalrusPostgres = CommonOptions.ComponentPostgres("walrus");

    public static Command Up() => Serve(new Command("up", "Run an all-in-one cloud on this host, in the foreground, until Ctrl-C or SIGTERM"),
        [ClcListen, ClcInternalListen, ClcPostgres, WalrusListen, WalrusPostgres, S3Domain, InlineMaxBytes, AcceptedRegion, SigV2MaxExpiry, CcListen, Placement, NcListen, Accel, ProbeKernel, DemoGuestDir, DebianGuestDir, Zone,
         UpNetwork, PublicAddresses, ElasticIpRange, DnsDomain],
        Component.Clc | Component.Walrus | Component.Cc | Component.Nc);

    public static Command Clc() => Serve(new Command("clc", "Run the Cloud Controller (the EC2 API) in the foreground"),
        [ClcListen, ClcInternalListen, ClcPostgres, WalrusUrl, Cluster, AcceptedRegion, SigV2MaxExpiry], Component.Clc);

    public static Command Walrus() => Serve(new Command("walrus", "Run Walrus, the S3-compatible object store, in the foreground"),
        [WalrusListen, WalrusPostgres, ClcUrl, S3Domain, InlineMaxBytes, AcceptedRegion, SigV2MaxExpiry], Component.Walrus);

    public static Command Cc() => Serve(new Command("cc", "Run a Cluster Controller (one per availability zone, over its NCs) in the foreground"),
        [CcListen, Node, Placement, Zone, PublicAddresses, NodeUnderlay, DnsDomain], Component.Cc);

    public static Command Nc() => Serve(new Command("nc", "Run a Node Controller (VMs under QEMU) in the foreground"),
        [NcListen, Accel, ProbeKernel, WalrusUrl, NcNetwork, UnderlayNamespace, UnderlayAddress, UplinkNamespace, UplinkInterface, NetworkNamespacePrefix, CloudEndpoint],
        Component.Nc);

    /// <summary>Where guests of `up`'s VPC network reach the EC2 API and S3, at 169.254.169.254 (the CLC's and Walrus's default ports).</summary>
    public const int GuestEc2Port = 8773;
    public const int GuestS3Port = 8779;

    [Flags]
    private enum Component { Clc = 1, Walrus = 2, Cc = 4, Nc = 8 }

    private static Command Serve(Command command, Option[] options, Component components)
    {
        var dataDir = CommonOptions.DataDir();
        var postgres = CommonOptions.Postgres();
        command.Options.Add(dataDir);
        command.Options.Add(postgres);
        foreach (var option in options)
            command.Options.Add(option);
        if (command.Options.Contains(ElasticIpRange))
            command.Validators.Add(result =>
            {
                if (AllInOneNetwork.Overlap(result.GetValue(ElasticIpRange) ?? "198.51.100.0/24", result.GetValue(PublicAddresses) ?? "203.0.113.0/24") is { } overlap)
                    result.AddError(overlap);
            });
        if (command.Options.Contains(NcNetwork))
            command.Validators.Add(result =>
            {
                if (result.GetValue(NcNetwork) == "vpc" && (result.GetValue(UnderlayAddress) is null || result.GetValue(UplinkInterface) is null))
                    result.AddError("--network vpc needs --underlay-address (this node's address on the zone's node network) and --uplink-interface (the public network's interface).");
            });
        command.SetAction(async (parse, ct) =>
        {
            var runs = (Component c) => components.HasFlag(c);
            string? PostgresOf(Option<string?> own) => (command.Options.Contains(own) ? parse.GetValue(own) : null) ?? parse.GetValue(postgres);
            var home = new CloudHome(parse.GetValue(dataDir)!, PostgresOf(ClcPostgres));
            using var shutdown = new ShutdownSignal();
            // The CLC owns the cloud's identity: where it runs, the cloud is made on first start. The other
            // components need only the cloud's certificates (and the NC the system credentials) in their data directory.
            var opened = runs(Component.Clc) ? await InitializeAsync(home, ct) : OpenComponent(home, systemCredentials: runs(Component.Nc));
            if (opened is not var (accounts, identityDb, newAdminKey))
                return 1;
            await using var _ = identityDb;
            var announced = home.ReadEndpoints();
            var zone = command.Options.Contains(Zone) ? parse.GetValue(Zone)! : "ironbark-a";
            var signing = command.Options.Contains(AcceptedRegion) ? Signing(parse) : new RequestSigningOptions();
            string? Given(Option<string> option) => command.Options.Contains(option) ? parse.GetValue(option) : null;
            AllInOneNetwork? network = null;
            if (command.Options.Contains(UpNetwork) && parse.GetValue(UpNetwork) != "user")
            {
                var why = AllInOneNetwork.WhyNot();
                if (why is null)
                    try
                    {
                        network = await AllInOneNetwork.CreateAsync(home.DataDir, [parse.GetValue(PublicAddresses)!, parse.GetValue(ElasticIpRange)!], ct);
                    }
                    catch (IOException e)
                    {
                        why = e.Message;
                    }
                if (why is not null && parse.GetValue(UpNetwork) == "vpc")
                {
                    Console.Error.WriteLine($"Cannot start with --network vpc: {why}.");
                    return 1;
                }
                if (why is not null)
                    Console.WriteLine($"VM network: user (QEMU user networking, no security groups or public addresses): {why}.");
            }
            await using var __ = network;
            var composition = new CloudComposition();
            // Walrus first (the CLC reads image manifests from it and NCs images), then the NC, the CC after its NC
            // (its first poll, before it serves, finds the node up), the CLC last (it calls the CC).
            if (runs(Component.Walrus))
            {
                var clcUrl = parse.GetValue(ClcUrl);
                composition.AddWalrus(_ => new WalrusOptions
                {
                    DataDir = home.DataDir,
                    Url = parse.GetValue(WalrusListen)!,
                    Domain = parse.GetValue(S3Domain)!,
                    InlineMaxBytes = parse.GetValue(InlineMaxBytes),
                    Region = announced.Region,
                    Signing = signing,
                    PostgresConnectionString = PostgresOf(WalrusPostgres),
                }, clcUrl: () => clcUrl ?? home.ReadEndpoints().ClcInternalUrl);
            }
            string WalrusOf(RunningCloud cloud) => cloud.Find<WalrusServer>()?.Url() ?? parse.GetValue(WalrusUrl) ?? announced.S3Url;
            if (runs(Component.Nc))
            {
                var system = home.ReadSystemCredentials();
                var nodeNetwork = network is null
                    ? new NcOptions
                    {
                        DataDir = home.DataDir, WalrusUrl = "", AccessKeyId = "", SecretAccessKey = "",
                        Network = Given(NcNetwork) ?? "user",
                        NetworkNamespacePrefix = Given(NetworkNamespacePrefix) ?? "ironbark-",
                        UnderlayNamespace = command.Options.Contains(UnderlayNamespace) ? parse.GetValue(UnderlayNamespace) : null,
                        UnderlayAddress = command.Options.Contains(UnderlayAddress) ? parse.GetValue(UnderlayAddress) : null,
                        UplinkNamespace = command.Options.Contains(UplinkNamespace) ? parse.GetValue(UplinkNamespace) : null,
                        UplinkInterface = command.Options.Contains(UplinkInterface) ? parse.GetValue(UplinkInterface) : null,
                        CloudEndpoints = CloudEndpoints(command.Options.Contains(CloudEndpoint) ? parse.GetValue(CloudEndpoint) ?? [] : []),
                    }
                    : new NcOptions
                    {
                        DataDir = home.DataDir, WalrusUrl = "", AccessKeyId = "", SecretAccessKey = "",
                        Network = "vpc", NetworkNamespacePrefix = network.NcPrefix,
                        UnderlayNamespace = network.NodeNamespace, UnderlayAddress = AllInOneNetwork.UnderlayAddress,
                        UplinkNamespace = network.UplinkNamespace, UplinkInterface = AllInOneNetwork.UplinkInterface,
                    };
                composition.AddNc(cloud => nodeNetwork with
                {
                    // The cloud's own APIs, inside every VPC at the metadata address (docs/network-node.md); asked for at
                    // each connection, as the CLC starts after the NC.
                    CloudEndpoints = network is null ? nodeNetwork.CloudEndpoints : new Dictionary<int, Func<string?>>
                    {
                        [GuestEc2Port] = () => cloud.Find<ClcServer>()?.Url(),
                        [GuestS3Port] = () => cloud.Find<WalrusServer>()?.Url(),
                    },
                    DataDir = home.DataDir,
                    Url = parse.GetValue(NcListen)!,
                    WalrusUrl = WalrusOf(cloud),
                    AccessKeyId = system.AccessKeyId,
                    SecretAccessKey = system.SecretAccessKey,
                    Acceleration = parse.GetValue(Accel)!,
                    ProbeKernel = parse.GetValue(ProbeKernel)
                                  ?? (command.Options.Contains(DemoGuestDir) && parse.GetValue(DemoGuestDir) is { } guest
                                      ? Path.Combine(guest, "vmlinux") : null),
                });
            }
            if (runs(Component.Cc))
                composition.AddCc(cloud => new CcOptions
                {
                    DataDir = home.DataDir,
                    Url = parse.GetValue(CcListen)!,
                    Nodes = cloud.Find<NcServer>() is { } nc ? [nc.Url()]
                        : parse.GetValue(Node) is { Length: > 0 } given ? given
                        : announced.NcUrl is { } node ? [node] : [],
                    PlacementPolicy = PlacementPolicy.Parse(parse.GetValue(Placement)!),
                    Cluster = zone,
                    PublicAddresses = parse.GetValue(PublicAddresses)!,
                    NodeUnderlay = NodeUnderlays(command.Options.Contains(NodeUnderlay) ? parse.GetValue(NodeUnderlay) ?? [] : []),
                    DnsDomain = parse.GetValue(DnsDomain)!,
                });
            if (runs(Component.Clc))
            {
                var system = home.ReadSystemCredentials();
                composition.AddClc(cloud =>
                {
                    var clusters = ClusterUrls(cloud.Find<CcServer>()?.Url(), zone, parse, command, announced);
                    return new ClcOptions
                    {
                        DataDir = home.DataDir,
                        Url = parse.GetValue(ClcListen)!,
                        InternalUrl = parse.GetValue(ClcInternalListen)!,
                        Region = announced.Region,
                        Signing = signing,
                        AvailabilityZones = clusters.Count > 0 ? [.. clusters.Keys] : [zone],
                        ClusterControllers = clusters,
                        PostgresConnectionString = home.Postgres,
                        WalrusUrl = WalrusOf(cloud),
                        WalrusAccessKeyId = system.AccessKeyId,
                        WalrusSecretAccessKey = system.SecretAccessKey,
                        ElasticIpRange = Given(ElasticIpRange) ?? "198.51.100.0/24",
                    };
                }, accounts!);
            }

            RunningCloud? cloud = null;
            try
            {
                try
                {
                    cloud = await composition.StartAsync(ct);
                }
                catch (DirectoryInUseException e)
                {
                    Console.Error.WriteLine($"Cannot start: {e.Message}");
                    return 1;
                }
                var endpoints = Announce(home, announced, cloud, network);
                var clc = cloud.Find<ClcServer>();
                var walrus = cloud.Find<WalrusServer>();
                var cc = cloud.Find<CcServer>();
                var nc = cloud.Find<NcServer>();
                Console.WriteLine(components == (Component.Clc | Component.Walrus | Component.Cc | Component.Nc) ? "Ironbark is up."
                    : clc is not null ? "The Cloud Controller is up." : walrus is not null ? "Walrus is up." : cc is not null ? "The Cluster Controller is up." : "The Node Controller is up.");
                if (clc is not null)
                {
                    Console.WriteLine($"  EC2 (CLC):        {endpoints.Ec2Url}");
                    Console.WriteLine($"  STS:              {endpoints.Ec2Url}/services/Tokens (and / for requests signed for sts)");
                    Console.WriteLine($"  CLC internal:     {endpoints.ClcInternalUrl} (gRPC, mutual TLS: identity)");
                }
                if (walrus is not null)
                    Console.WriteLine($"  S3 (Walrus):      {endpoints.S3Url}");
                if (cc is not null)
                    Console.WriteLine($"  Cluster (CC):     {endpoints.CcUrl} (gRPC, mutual TLS; {cc.Registry.Nodes.Count} node(s), {PlacementPolicy.Name(cc.Options.PlacementPolicy)})");
                if (nc is not null)
                    Console.WriteLine($"  Node Controller:  {endpoints.NcUrl} (gRPC, mutual TLS; {nc.Instances.Hypervisor.Acceleration})");
                if (network is not null)
                    Console.WriteLine($"  VM network:       vpc; public and elastic IPs from the namespace {network.OutsideNamespace} (ip netns exec {network.OutsideNamespace} ssh …); in guests EC2 at http://169.254.169.254:{GuestEc2Port}, S3 at http://169.254.169.254:{GuestS3Port}");
                Console.WriteLine($"  Data:             {home.DataDir}");
                if (newAdminKey is not null)
                    Console.WriteLine($"  Created the cloud admin account '{Account.AdminName}' (access key {newAdminKey.AccessKeyId}).");
                if (clc is not null)
                    Console.WriteLine($"  Credentials:      eval \"$(ironbark env --data-dir {home.DataDir})\"");
                if (clc is not null && walrus is not null)
                {
                    await Images.DemoGuest.TestGuest.InstallOnceAsync(home, accounts!, parse.GetValue(DemoGuestDir), ct);
                    await Images.DemoGuest.Debian.InstallOnceAsync(home, accounts!, parse.GetValue(DebianGuestDir), ct);
                }
                await shutdown.WaitAsync();
                Console.WriteLine("Stopping…");
                return 0;
            }
            finally
            {
                // In reverse order of the start: the CLC before the CC it calls, the CC before its NC. Running VMs
                // are left running: the next start of the NC finds them again.
                if (cloud is not null)
                    await cloud.StopAsync(CancellationToken.None);
            }
        });
        return command;
    }

    /// <summary>Writes where this host's components answer into the data directory (for `env`, and components started later).</summary>
    private static Endpoints Announce(CloudHome home, Endpoints announced, RunningCloud cloud, AllInOneNetwork? network)
    {
        var endpoints = announced;
        if (cloud.Find<NcServer>() is not null)
            endpoints = endpoints with { OutsideNamespace = network?.OutsideNamespace };
        if (cloud.Find<WalrusServer>() is { } walrus)
            endpoints = endpoints with { S3Url = walrus.Url() };
        if (cloud.Find<NcServer>() is { } nc)
            endpoints = endpoints with { NcUrl = nc.Url() };
        if (cloud.Find<CcServer>() is { } cc)
            endpoints = endpoints with { CcUrl = cc.Url() };
        if (cloud.Find<ClcServer>() is { } clc)
            endpoints = endpoints with { Ec2Url = clc.Url(), ClcInternalUrl = clc.InternalEndpoint.ToString().TrimEnd('/') };
        home.WriteEndpoints(endpoints);
        return endpoints;
    }

    /// <summary>
    /// The CC of each zone the CLC launches into: the one running beside it, else those given with
    /// --cluster ZONE=URL, else the CC this data directory announced, for the default zone.
    /// </summary>
    private static Dictionary<string, string> ClusterUrls(string? localCc, string zone, ParseResult parse, Command command, Endpoints endpoints)
    {
        if (localCc is not null)
            return new() { [zone] = localCc };
        var given = command.Options.Contains(Cluster) ? parse.GetValue(Cluster) ?? [] : [];
        if (given.Length == 0)
            return endpoints.CcUrl is { } announced ? new() { [zone] = announced } : [];
        var clusters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in given)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1)
                throw new ArgumentException($"--cluster takes ZONE=URL, not '{pair}'.");
            clusters[pair[..eq]] = pair[(eq + 1)..];
        }
        return clusters;
    }

    /// <summary>The cloud of this data directory, made on first start; null (after saying why) when its data directory is open to others.</summary>
    private static async Task<(AccountStore? Accounts, Database? Db, AccessKey? NewAdminKey)?> InitializeAsync(CloudHome home, CancellationToken ct)
    {
        try
        {
            var (accounts, db, newAdminKey, _) = await home.InitializeAsync(ct);
            return (accounts, db, newAdminKey);
        }
        catch (DataDirectoryExposedException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }

    /// <summary>A component other than the CLC: the data directory must hold the cloud's certificates; no identity is opened.</summary>
    private static (AccountStore? Accounts, Database? Db, AccessKey? NewAdminKey)? OpenComponent(CloudHome home, bool systemCredentials)
    {
        try
        {
            home.RequireCertificates(systemCredentials);
            return (null, null, null);
        }
        catch (Exception e) when (e is DataDirectoryExposedException or NoCloudException)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }
}
