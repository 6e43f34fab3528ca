using System.CommandLine;
using Ironbark.Cc;
using Ironbark.Cc.Domain;
using Ironbark.Clc;
using Ironbark.Common.Accounts;
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

    static ServeCommands()
    {
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

    public static Command Up() => Serve(new Command("up", "Run an all-in-one cloud on this host, in the foreground, until Ctrl-C or SIGTERM"),
        [ClcListen, WalrusListen, S3Domain, InlineMaxBytes, AcceptedRegion, SigV2MaxExpiry, CcListen, Placement, NcListen, Accel, ProbeKernel, DemoGuestDir, Zone], runClc: true, runWalrus: true, runCc: true, runNc: true);

    public static Command Clc() => Serve(new Command("clc", "Run the Cloud Controller (the EC2 API) in the foreground"),
        [ClcListen, WalrusUrl, Cluster, AcceptedRegion, SigV2MaxExpiry], runClc: true, runWalrus: false, runCc: false, runNc: false);

    public static Command Walrus() => Serve(new Command("walrus", "Run Walrus, the S3-compatible object store, in the foreground"),
        [WalrusListen, S3Domain, InlineMaxBytes, AcceptedRegion, SigV2MaxExpiry], runClc: false, runWalrus: true, runCc: false, runNc: false);

    public static Command Cc() => Serve(new Command("cc", "Run a Cluster Controller (one per availability zone, over its NCs) in the foreground"),
        [CcListen, Node, Placement, Zone], runClc: false, runWalrus: false, runCc: true, runNc: false);

    public static Command Nc() => Serve(new Command("nc", "Run a Node Controller (VMs under QEMU) in the foreground"),
        [NcListen, Accel, ProbeKernel, WalrusUrl], runClc: false, runWalrus: false, runCc: false, runNc: true);

    private static Command Serve(Command command, Option[] options, bool runClc, bool runWalrus, bool runCc, bool runNc)
    {
        var dataDir = CommonOptions.DataDir();
        var postgres = CommonOptions.Postgres();
        command.Options.Add(dataDir);
        command.Options.Add(postgres);
        foreach (var option in options)
            command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            var home = new CloudHome(parse.GetValue(dataDir)!, parse.GetValue(postgres));
            using var shutdown = new ShutdownSignal();
            if (await InitializeAsync(home, ct) is not var (accounts, identityDb, newAdminKey))
                return 1;
            await using var _ = identityDb;
            var system = home.ReadSystemCredentials();

            ClcServer? clc = null;
            WalrusServer? walrus = null;
            CcServer? cc = null;
            NcServer? nc = null;
            try
            {
                var endpoints = home.ReadEndpoints();
                var zone = command.Options.Contains(Zone) ? parse.GetValue(Zone)! : "ironbark-a";
                // Walrus first (the CLC reads image manifests from it and NCs images), the CLC last (it calls the CC).
                if (runWalrus)
                {
                    walrus = await TryStartAsync(() => WalrusServer.StartAsync(new WalrusOptions
                    {
                        DataDir = home.DataDir,
                        Url = parse.GetValue(WalrusListen)!,
                        Domain = parse.GetValue(S3Domain)!,
                        InlineMaxBytes = parse.GetValue(InlineMaxBytes),
                        Region = endpoints.Region,
                        Signing = Signing(parse),
                        PostgresConnectionString = home.Postgres,
                    }, accounts, ct));
                    if (walrus is null)
                        return 1;
                    endpoints = endpoints with { S3Url = walrus.Endpoint.ToString().TrimEnd('/') };
                }
                if (runNc)
                {
                    nc = await TryStartAsync(() => NcServer.StartAsync(new NcOptions
                    {
                        DataDir = home.DataDir,
                        Url = parse.GetValue(NcListen)!,
                        WalrusUrl = runWalrus ? endpoints.S3Url : parse.GetValue(WalrusUrl) ?? endpoints.S3Url,
                        AccessKeyId = system.AccessKeyId,
                        SecretAccessKey = system.SecretAccessKey,
                        Acceleration = parse.GetValue(Accel)!,
                        ProbeKernel = parse.GetValue(ProbeKernel)
                                      ?? (command.Options.Contains(DemoGuestDir) && parse.GetValue(DemoGuestDir) is { } guest
                                          ? Path.Combine(guest, "vmlinux") : null),
                    }, ct));
                    if (nc is null)
                        return 1;
                    endpoints = endpoints with { NcUrl = nc.Endpoint.ToString().TrimEnd('/') };
                }
                // The CC after its NC: its first poll, before it serves, finds the node up.
                if (runCc)
                {
                    var placement = PlacementPolicy.Parse(parse.GetValue(Placement)!);
                    string[] nodes = runNc ? [endpoints.NcUrl!]
                        : parse.GetValue(Node) is { Length: > 0 } given ? given
                        : endpoints.NcUrl is { } announced ? [announced] : [];
                    cc = await TryStartAsync(() => CcServer.StartAsync(new CcOptions
                    {
                        DataDir = home.DataDir,
                        Url = parse.GetValue(CcListen)!,
                        Nodes = nodes,
                        PlacementPolicy = placement,
                        Cluster = zone,
                    }, ct));
                    if (cc is null)
                        return 1;
                    endpoints = endpoints with { CcUrl = cc.Endpoint.ToString().TrimEnd('/') };
                }
                if (runClc)
                {
                    var clusters = ClusterUrls(cc?.Endpoint.ToString().TrimEnd('/'), zone, parse, command, endpoints);
                    clc = await TryStartAsync(() => ClcServer.StartAsync(new ClcOptions
                    {
                        DataDir = home.DataDir,
                        Url = parse.GetValue(ClcListen)!,
                        Region = endpoints.Region,
                        Signing = Signing(parse),
                        AvailabilityZones = clusters.Count > 0 ? [.. clusters.Keys] : [zone],
                        ClusterControllers = clusters,
                        PostgresConnectionString = home.Postgres,
                        WalrusUrl = runWalrus ? endpoints.S3Url : parse.GetValue(WalrusUrl) ?? endpoints.S3Url,
                        WalrusAccessKeyId = system.AccessKeyId,
                        WalrusSecretAccessKey = system.SecretAccessKey,
                    }, accounts, ct));
                    if (clc is null)
                        return 1;
                    endpoints = endpoints with { Ec2Url = clc.Endpoint.ToString().TrimEnd('/') };
                }
                home.WriteEndpoints(endpoints);
                Console.WriteLine(runClc && runWalrus && runNc ? "Ironbark is up."
                    : runClc ? "The Cloud Controller is up." : runWalrus ? "Walrus is up." : runCc ? "The Cluster Controller is up." : "The Node Controller is up.");
                if (clc is not null)
                    Console.WriteLine($"  EC2 (CLC):        {endpoints.Ec2Url}");
                if (walrus is not null)
                    Console.WriteLine($"  S3 (Walrus):      {endpoints.S3Url}");
                if (cc is not null)
                    Console.WriteLine($"  Cluster (CC):     {endpoints.CcUrl} (gRPC, mutual TLS; {cc.Registry.Nodes.Count} node(s), {PlacementPolicy.Name(cc.Options.PlacementPolicy)})");
                if (nc is not null)
                    Console.WriteLine($"  Node Controller:  {endpoints.NcUrl} (gRPC, mutual TLS; {nc.Instances.Hypervisor.Acceleration})");
                Console.WriteLine($"  Data:             {home.DataDir}");
                if (newAdminKey is not null)
                    Console.WriteLine($"  Created the cloud admin account '{Account.AdminName}' (access key {newAdminKey.AccessKeyId}).");
                Console.WriteLine($"  Credentials:      eval \"$(ironbark env --data-dir {home.DataDir})\"");
                if (clc is not null && walrus is not null)
                    await Images.DemoGuest.InstallOnceAsync(home, accounts, parse.GetValue(DemoGuestDir), ct);
                await shutdown.WaitAsync();
                Console.WriteLine("Stopping…");
                return 0;
            }
            finally
            {
                // In the reverse order of the calls between them: the CLC calls the CC, which calls the NC.
                if (clc is not null)
                {
                    await clc.StopAsync(CancellationToken.None);
                    await clc.DisposeAsync();
                }
                if (cc is not null)
                {
                    await cc.StopAsync(CancellationToken.None);
                    await cc.DisposeAsync();
                }
                // Running VMs are left running: the next start of the NC finds them again.
                if (nc is not null)
                {
                    await nc.StopAsync(CancellationToken.None);
                    await nc.DisposeAsync();
                }
                if (walrus is not null)
                {
                    await walrus.StopAsync(CancellationToken.None);
                    await walrus.DisposeAsync();
                }
            }
        });
        return command;
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

    /// <summary>Starts a component, or says why not and returns null when another process owns its state.</summary>
    /// <summary>The cloud of this data directory, made on first start; null (after saying why) when its data directory is open to others.</summary>
    private static async Task<(AccountStore Accounts, Database Db, AccessKey? NewAdminKey)?> InitializeAsync(CloudHome home, CancellationToken ct)
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

    private static async Task<T?> TryStartAsync<T>(Func<Task<T>> start) where T : class
    {
        try
        {
            return await start();
        }
        catch (DirectoryInUseException e)
        {
            Console.Error.WriteLine($"Cannot start: {e.Message}");
            return null;
        }
    }
}
