using Amazon.S3.Model;
using Google.Protobuf;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers.Network.Vpc;
using Ironbark.Nc.Tests;
using Ironbark.Testing;

namespace Ironbark.Bench.Network;

/// <summary>
/// The lab of the rule and address phases, the one the NC's VPC tests use (<see cref="VpcLab"/>, <see cref="VpcNode"/>, linked
/// from tests/Ironbark.Nc.Tests): Walrus in process, two NCs with Network=vpc on two node namespaces, one tiny guest (Server,
/// VPC 1, node a) serving port 7001, and the outside host on the public LAN. Every view goes to both NCs, as the CC sends it.
/// Disposal terminates the guest, stops the NCs and removes every namespace, dnsmasq and QEMU of the lab.
/// </summary>
internal sealed class NetworkLab : IAsyncDisposable
{
    public const string Bucket = "images";
    public const string ServerIp = "172.31.0.10";
    public const int Port = 7001;
    private long _version;

    private NetworkLab(string serverId) => ServerId = serverId;

    public string ServerId { get; }
    public string InterfaceId => "eni-" + ServerId[2..];
    public WalrusHost? Walrus { get; private set; }
    public VpcLab? Lab { get; private set; }
    public VpcNode? A { get; private set; }
    public VpcNode? B { get; private set; }

    /// <summary>Node a's VPC namespace of the server and the server's tap in it (where a hand change goes).</summary>
    public string ServerNamespace => VpcLayout.For(100, Lab!.NcPrefix('a'), "").Namespace;
    public string ServerTap => VpcLayout.TapOf(ServerId);

    public static async Task<NetworkLab> StartAsync(string publicIp, TextWriter log, CancellationToken ct)
    {
        var lab = new NetworkLab("i-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(9))[..17]);
        try
        {
            var guest = await TestGuest.BuildAsync();
            lab.Walrus = await WalrusHost.StartAsync();
            var key = await lab.Walrus.CreateAccountAsync("node");
            using (var s3 = lab.Walrus.Client(key))
            {
                await s3.PutBucketAsync(Bucket, ct);
                foreach (var (k, path) in new[] { ("vmlinux", guest.Kernel), ("initrd.img", guest.Ramdisk), ("root.img", guest.Disk) })
                    await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = k, FilePath = path }, ct);
            }
            lab.Lab = await VpcLab.StartAsync("bench");
            lab.A = new VpcNode(lab.Lab, 'a', lab.Walrus.Endpoint.ToString(), key.AccessKeyId, key.SecretAccessKey);
            lab.B = new VpcNode(lab.Lab, 'b', lab.Walrus.Endpoint.ToString(), key.AccessKeyId, key.SecretAccessKey);
            await lab.A.StartAsync();
            await lab.B.StartAsync();
            await lab.ApplyAsync(outsideToPort: false, publicIp, ct);
            await lab.A.Client.RunInstanceAsync(lab.Launch(guest, publicIp), cancellationToken: ct);
            await lab.A.WaitForConsoleAsync(lab.ServerId, c => c.Contains("IRONBARK-USERDATA-DONE", StringComparison.Ordinal), "the end of the user data", 180);
            log.WriteLine($"lab up: server {lab.ServerId} on node a, {ServerIp}, public {publicIp}");
            return lab;
        }
        catch
        {
            await lab.DisposeAsync();
            throw;
        }
    }

    /// <summary>The whole view (a new version) to both NCs at once: the server's group, with or without tcp/7001 from the public LAN, and its public address.</summary>
    public async Task ApplyAsync(bool outsideToPort, string? publicIp, CancellationToken ct)
    {
        var group = new SecurityGroupView { GroupId = "sg-server", VpcId = "vpc-1", MemberIps = { ServerIp } };
        group.Egress.Add(new SecurityGroupRule { Protocol = "-1", Cidrs = { "0.0.0.0/0" } });
        if (outsideToPort)
            group.Ingress.Add(new SecurityGroupRule { Protocol = "tcp", FromPort = Port, ToPort = Port, Cidrs = { "203.0.113.0/24" } });
        var view = new NetworkView
        {
            Version = Interlocked.Increment(ref _version),
            Groups = { group },
            Peers =
            {
                new TunnelPeer { NodeId = "node-a", UnderlayIp = VpcLab.Underlay('a'), Vnis = { 100 } },
                new TunnelPeer { NodeId = "node-b", UnderlayIp = VpcLab.Underlay('b'), Vnis = { 100 } },
            },
            Interfaces = { new InterfaceView { InterfaceId = InterfaceId, InstanceId = ServerId, SecurityGroupIds = { "sg-server" }, PublicIp = publicIp ?? "" } },
        };
        await Task.WhenAll(new[] { A!, B! }.Select(n => n.Client.ApplyNetworkViewAsync(view, cancellationToken: ct).ResponseAsync));
    }

    private RunInstanceRequest Launch(TestGuest guest, string publicIp) => new()
    {
        InstanceId = ServerId,
        Cores = 1,
        MemoryMib = 192,
        Kernel = Image("vmlinux", guest.KernelSha256),
        Ramdisk = Image("initrd.img", guest.RamdiskSha256),
        RootDisk = Image("root.img", guest.DiskSha256),
        Network = new NetworkInterface
        {
            Mode = "VPC", Mac = "02:00:00:00:01:0a", PrivateIp = ServerIp, InterfaceId = InterfaceId, VpcId = "vpc-1", SubnetId = "subnet-100",
            SubnetCidr = "172.31.0.0/20", GatewayIp = "172.31.0.1", Vni = 100, PublicIp = publicIp, SecurityGroupIds = { "sg-server" },
            PrivateDnsName = "ip-172-31-0-10.ironbark.compute.internal", VpcCidr = "172.31.0.0/16", DnsDomain = "ironbark.compute.internal",
        },
        // busybox nc -ll answers each connection with one line (a process per connection, as a small server would).
        Data = new InstanceData
        {
            UserData = ByteString.CopyFromUtf8($"#!/bin/sh\nprintf '#!/bin/sh\\necho hello\\n' > /tmp/hello; chmod +x /tmp/hello\nnc -ll -p {Port} -e /tmp/hello &\n"),
            ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro",
        },
    };

    private static ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = Bucket, Key = key, Sha256 = sha256 };

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (A is not null)
                await A.DisposeAsync();
            if (B is not null)
                await B.DisposeAsync();
        }
        finally
        {
            if (Lab is not null)
                await Lab.DisposeAsync();
            if (Walrus is not null)
                await Walrus.DisposeAsync();
        }
    }
}
