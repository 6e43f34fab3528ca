using Amazon.S3.Model;
using Google.Protobuf;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Testing;

namespace Ironbark.Nc.Tests;

/// <summary>
/// Two NCs with Network=vpc on the <see cref="VpcLab"/>'s two nodes and four tiny guests, launched once: in VPC 1 (VNI
/// 100) Web on node a (public 203.0.113.10), Client on node b and Forger on node a; in VPC 2 (VNI 200) Other on node b
/// with Web's private address. Their user data serve ports 7001 and 7002 (answering hello-&lt;instance id&gt;) and probe
/// their targets in a loop, printing IRONBARK-PROBE lines. Disposal terminates them, stops the NCs, and the test
/// <see cref="Leftovers"/> reads what remained.
/// </summary>
public sealed class VpcFixture : IAsyncLifetime
{
    public const string Subnet = "172.31.0.0/20";
    public const string Gateway = "172.31.0.1";
    public const string Domain = "ironbark.compute.internal";
    public const string WebPublic = "203.0.113.10";
    private long _version;
    private System.Diagnostics.Process? _outsideServer;

    public VpcLab Lab { get; private set; } = null!;
    public WalrusHost Walrus { get; private set; } = null!;
    public TestGuest Guest { get; private set; } = null!;
    public VpcNode A { get; private set; } = null!;
    public VpcNode B { get; private set; } = null!;

    public Guest Web { get; } = new(NcFixture.NewInstanceId(), 'a', 100, "172.31.0.10", "02:00:00:00:01:0a", "sg-web", WebPublic);
    public Guest Client { get; } = new(NcFixture.NewInstanceId(), 'b', 100, "172.31.0.11", "02:00:00:00:01:0b", "sg-client", null);
    public Guest Forger { get; } = new(NcFixture.NewInstanceId(), 'a', 100, "172.31.0.12", "02:00:00:00:01:0c", "sg-client", null);
    public Guest Other { get; } = new(NcFixture.NewInstanceId(), 'b', 200, "172.31.0.10", "02:00:00:00:02:0a", "sg-other", null);

    public VpcNode NodeOf(Guest g) => g.Node == 'a' ? A : B;

    public async Task InitializeAsync()
    {
        Guest = await TestGuest.BuildAsync();
        Walrus = await WalrusHost.StartAsync();
        var key = await Walrus.CreateAccountAsync("node");
        using (var s3 = Walrus.Client(key))
        {
            await s3.PutBucketAsync(NcFixture.Bucket);
            foreach (var (k, path) in new[] { ("vmlinux", Guest.Kernel), ("initrd.img", Guest.Ramdisk), ("root.img", Guest.Disk) })
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = NcFixture.Bucket, Key = k, FilePath = path });
        }
        Lab = await VpcLab.StartAsync("vpc");
        _outsideServer = System.Diagnostics.Process.Start("ip", ["netns", "exec", Lab.Outside, "busybox", "nc", "-ll", "-p", "8001", "-e", "/bin/echo", "hello-outside"]);
        A = new VpcNode(Lab, 'a', Walrus.Endpoint.ToString(), key.AccessKeyId, key.SecretAccessKey);
        B = new VpcNode(Lab, 'b', Walrus.Endpoint.ToString(), key.AccessKeyId, key.SecretAccessKey);
        await A.StartAsync();
        await B.StartAsync();
        await ApplyAsync(clientToWeb: true, outsideToWeb: false);
        var scripts = new Dictionary<Guest, string>
        {
            [Web] = Serve() + Probe("203.0.113.250:8001") + Imds() + "nslookup ip-172-31-0-11." + Domain + " " + Gateway + " 2>&1 | grep -q '^Address.*172[.]31[.]0[.]11$' && echo IRONBARK-DNS found > /dev/console || echo IRONBARK-DNS none > /dev/console\n",
            [Client] = Serve() + Probe("172.31.0.10:7001", "172.31.0.10:7002", "203.0.113.250:8001") + Ticks("172.31.0.10"),
            [Other] = Serve() + Probe("172.31.0.11:7001", "172.31.0.12:7001"),
            [Forger] = Serve() + Forge(),
        };
        await Task.WhenAll(scripts.Select(s => NodeOf(s.Key).Client.RunInstanceAsync(Launch(s.Key, s.Value)).ResponseAsync));
        foreach (var g in scripts.Keys)
            await NodeOf(g).WaitForConsoleAsync(g.Id, c => c.Contains("IRONBARK-USERDATA-DONE", StringComparison.Ordinal), "the end of the user data");
    }

    /// <summary>The whole view both nodes get (as the CC sends it), with a new version each time.</summary>
    public async Task ApplyAsync(bool clientToWeb, bool outsideToWeb)
    {
        var all = new SecurityGroupRule { Protocol = "-1", Cidrs = { "0.0.0.0/0" }, Ipv6Cidrs = { "::/0" } };
        var web = new SecurityGroupView { GroupId = "sg-web", VpcId = "vpc-1", MemberIps = { Web.Ip }, Egress = { all } };
        web.Ingress.Add(new SecurityGroupRule { Protocol = "tcp", FromPort = 7003, ToPort = 7003, SourceGroupIds = { "sg-client" } });
        if (clientToWeb)
            web.Ingress.Add(new SecurityGroupRule { Protocol = "tcp", FromPort = 7001, ToPort = 7001, SourceGroupIds = { "sg-client" } });
        if (outsideToWeb)
            web.Ingress.Add(new SecurityGroupRule { Protocol = "tcp", FromPort = 7001, ToPort = 7001, Cidrs = { "203.0.113.0/24" } });
        var view = new NetworkView
        {
            Version = Interlocked.Increment(ref _version),
            Groups =
            {
                web,
                new SecurityGroupView
                {
                    GroupId = "sg-client", VpcId = "vpc-1", MemberIps = { Client.Ip, Forger.Ip }, Egress = { all },
                    Ingress = { new SecurityGroupRule { Protocol = "tcp", FromPort = 7001, ToPort = 7002, Cidrs = { "0.0.0.0/0" } } },
                },
                new SecurityGroupView { GroupId = "sg-other", VpcId = "vpc-2", MemberIps = { Other.Ip }, Egress = { all }, Ingress = { all } },
            },
            Peers =
            {
                new TunnelPeer { NodeId = "node-a", UnderlayIp = VpcLab.Underlay('a'), Vnis = { 100, 200 } },
                new TunnelPeer { NodeId = "node-b", UnderlayIp = VpcLab.Underlay('b'), Vnis = { 100, 200 } },
            },
        };
        foreach (var g in new[] { Web, Client, Forger, Other })
            view.Interfaces.Add(new InterfaceView { InterfaceId = g.InterfaceId, InstanceId = g.Id, SecurityGroupIds = { g.Group }, PublicIp = g.PublicIp ?? "" });
        foreach (var node in new[] { A, B })
            Assert.Equal(view.Version, (await node.Client.ApplyNetworkViewAsync(view)).Version);
    }

    public RunInstanceRequest Launch(Guest g, string script) => new()
    {
        InstanceId = g.Id,
        Cores = 1,
        MemoryMib = 192,
        Kernel = Image("vmlinux", Guest.KernelSha256),
        Ramdisk = Image("initrd.img", Guest.RamdiskSha256),
        RootDisk = Image("root.img", Guest.DiskSha256),
        Network = Interface(g),
        Data = new InstanceData { UserData = ByteString.CopyFromUtf8("#!/bin/sh\n" + script), ImageId = "emi-0123456789abcdef0", InstanceType = "t1.micro" },
    };

    public static NetworkInterface Interface(Guest g) => new()
    {
        Mode = "VPC", Mac = g.Mac, PrivateIp = g.Ip, InterfaceId = g.InterfaceId, VpcId = "vpc-" + g.Vni / 100, SubnetId = "subnet-" + g.Vni,
        SubnetCidr = Subnet, GatewayIp = Gateway, Vni = g.Vni, PublicIp = g.PublicIp ?? "", SecurityGroupIds = { g.Group },
        PrivateDnsName = "ip-" + g.Ip.Replace('.', '-') + "." + Domain, VpcCidr = "172.31.0.0/16", DnsDomain = Domain,
    };

    private static ImageRef Image(string key, string sha256) => new() { Id = key, Bucket = NcFixture.Bucket, Key = key, Sha256 = sha256 };

    /// <summary>Servers on 7001 and 7002 that answer hello-&lt;instance id&gt;, and on 7003 one that sends a numbered tick every half second.</summary>
    private static string Serve() => """
        printf '#!/bin/sh\necho hello-%s\n' "$(cat /tmp/instance-id)" > /tmp/hello; chmod +x /tmp/hello
        printf '#!/bin/sh\ni=0; while true; do i=$((i+1)); echo tick-$i; sleep 0.5; done\n' > /tmp/ticks; chmod +x /tmp/ticks
        nc -ll -p 7001 -e /tmp/hello &
        nc -ll -p 7002 -e /tmp/hello &
        nc -ll -p 7003 -e /tmp/ticks &

        """;

    /// <summary>
    /// One long connection to <paramref name="server"/>:7003, each tick printed as IRONBARK-TICK (a new connection starts again at
    /// tick-1). nc's input is a fifo opened read-write, which never ends and never blocks the open: a connect that fails (one tried
    /// before the first view allowed 7003 waits out its SYN retries) ends the pipeline, and the loop tries again. (A `sleep | nc`
    /// pipeline would wait for the sleep after nc gave up, and never try again.)
    /// </summary>
    private static string Ticks(string server) => $$"""
        mkfifo /tmp/hold
        ( while true; do nc {{server}} 7003 0<>/tmp/hold | while read t; do echo "IRONBARK-TICK $t" > /dev/console; done; sleep 1; done ) &

        """;

    /// <summary>Connects to each target in rounds, for ever: IRONBARK-PROBE n=&lt;round&gt; &lt;target&gt; &lt;answer or none&gt;.</summary>
    private static string Probe(params string[] targets) => $$"""
        ( n=0; while true; do n=$((n+1)); for t in {{string.Join(' ', targets)}}; do
            r=$(nc -w 1 ${t%:*} ${t#*:} </dev/null 2>/dev/null | head -n 1)
            echo "IRONBARK-PROBE n=$n $t ${r:-none}" > /dev/console
          done; sleep 0.2; done ) &

        """;

    /// <summary>IMDSv2 by hand (the token PUT, then a GET with it), as cloud-init does it.</summary>
    private static string Imds() => """
        http() { ( printf "$1"; sleep 2 ) | nc 169.254.169.254 80 | tail -n 1; }
        tok=$(http 'PUT /latest/api/token HTTP/1.0\r\nX-aws-ec2-metadata-token-ttl-seconds: 60\r\nContent-Length: 0\r\n\r\n')
        for p in instance-id local-ipv4 public-ipv4 mac; do
          v=$(http "GET /latest/meta-data/$p HTTP/1.0\r\nX-aws-ec2-metadata-token: $tok\r\n\r\n")
          echo "IRONBARK-IMDS2 $p=$v" > /dev/console
        done

        """;

    /// <summary>Forger: Web's port and the metadata service as itself (they answer), with Client's IP, with Web's MAC, and as itself again.</summary>
    private static string Forge() => $$"""
        try() {
          r=$(nc -w 1 172.31.0.10 7001 </dev/null 2>/dev/null | head -n 1)
          m=$(timeout 3 wget -q -O - http://169.254.169.254/latest/meta-data/instance-id 2>/dev/null)
          echo "IRONBARK-FORGE phase=$1 peer=${r:-none} metadata=${m:-none}" > /dev/console
        }
        # Web boots at the same time: wait until it serves before the control phase.
        i=0; while [ $i -lt 60 ] && [ -z "$(nc -w 1 172.31.0.10 7001 </dev/null 2>/dev/null)" ]; do i=$((i+1)); sleep 0.5; done
        try own
        ip addr flush dev eth0; ip addr add 172.31.0.11/20 dev eth0; ip route add default via {{Gateway}}
        try ip
        ip addr flush dev eth0; ip link set eth0 down; ip link set eth0 address 02:00:00:00:01:0a; ip link set eth0 up
        ip addr add 172.31.0.12/20 dev eth0; ip route add default via {{Gateway}}
        try mac
        ip addr flush dev eth0; ip link set eth0 down; ip link set eth0 address 02:00:00:00:01:0c; ip link set eth0 up
        ip addr add 172.31.0.12/20 dev eth0; ip route add default via {{Gateway}}
        try restored

        """;

    /// <summary>The NC namespaces left in the lab, and the dnsmasq processes left of either NC.</summary>
    public (IReadOnlyList<string> Namespaces, IReadOnlyList<int> Dnsmasqs) Leftovers() =>
        (Lab.Namespaces().Where(n => n.StartsWith(Lab.NcPrefix('a'), StringComparison.Ordinal) || n.StartsWith(Lab.NcPrefix('b'), StringComparison.Ordinal)).ToList(),
            VpcLab.Dnsmasqs(A.DataDir).Concat(VpcLab.Dnsmasqs(B.DataDir)).ToList());

    /// <summary>Terminates the guests and stops the NCs, then fails if either left a namespace or a dnsmasq (the lab is removed anyway).</summary>
    public async Task DisposeAsync()
    {
        (IReadOnlyList<string> Namespaces, IReadOnlyList<int> Dnsmasqs) left = ([], []);
        try
        {
            if (A is not null)
                await A.StopGuestsAndNcAsync();
            if (B is not null)
                await B.StopGuestsAndNcAsync();
            if (Lab is not null)
                left = Leftovers();
        }
        finally
        {
            _outsideServer?.Kill();
            _outsideServer?.Dispose();
            if (A is not null)
                await A.DisposeAsync();
            if (B is not null)
                await B.DisposeAsync();
            if (Lab is not null)
                await Lab.DisposeAsync();
            if (Walrus is not null)
                await Walrus.DisposeAsync();
        }
        Assert.True(left.Namespaces.Count == 0 && left.Dnsmasqs.Count == 0,
            $"Stopping the NCs left namespaces [{string.Join(", ", left.Namespaces)}] and dnsmasq pids [{string.Join(", ", left.Dnsmasqs)}]");
    }
}

/// <summary>One test guest: where it runs, its VPC (VNI), address, MAC, group and public address.</summary>
public sealed record Guest(string Id, char Node, uint Vni, string Ip, string Mac, string Group, string? PublicIp)
{
    public string InterfaceId => "eni-" + Id[2..];
}
