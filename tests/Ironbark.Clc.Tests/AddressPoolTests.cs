using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Clc.Store;
using Ironbark.Common.Data;
using Ironbark.Common.Ids;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Instance = Ironbark.Clc.Domain.Instance;
using InstanceState = Ironbark.Clc.Domain.InstanceState;
using Image = Ironbark.Clc.Domain.Image;
using IpPermission = Amazon.EC2.Model.IpPermission;
using IpRange = Amazon.EC2.Model.IpRange;
using Filter = Amazon.EC2.Model.Filter;

namespace Ironbark.Clc.Tests;

/// <summary>
/// A CLC of its own (on the collection's database kind) beside a recording Cluster Controller: a pool small enough to run
/// out, a zone with room for many instances (interface paging), the calls an interface change sends the CC once the
/// interface has a MAC, and the migration that gives the instances of before their primary interface.
/// </summary>
public abstract class AddressPoolTests(ClcFixture f)
{
    private const string Zone = "pool-a";

    private sealed record Clc(ClcServer Server, ImpostorServer<NetworkRecordingCluster> Cluster, Database Db, TempDir Dir, AmazonEC2Client Alice, AmazonEC2Client Bob)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Alice.Dispose();
            Bob.Dispose();
            await Server.DisposeAsync();
            await Cluster.DisposeAsync();
            await Db.DisposeAsync();
            Dir.Dispose();
        }
    }

    private async Task<Clc> StartAsync(string pool, int limit, bool allocates = false)
    {
        var dir = new TempDir();
        var pki = new CloudCertificates(Path.Combine(f.DataDir, "pki"));
        TestCertificates.CopyPkiInto(pki, dir.Path);
        var connection = await f.NewDatabaseAsync();
        var db = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection));
        await ClcSchema.MigrateAsync(db, CancellationToken.None);
        await InsertImagesAsync(db);
        var cluster = await ImpostorServer<NetworkRecordingCluster>.StartAsync(new NetworkRecordingCluster(allocates), pki.Load(ComponentRole.Cc), pki.LoadCa());
        var server = await ClcServer.StartAsync(new ClcOptions
        {
            DataDir = dir.Path, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", PostgresConnectionString = connection, AvailabilityZones = [Zone],
            ClusterControllers = new Dictionary<string, string> { [Zone] = cluster.Endpoint.ToString() }, ReconcileInterval = TimeSpan.FromMilliseconds(200),
            ElasticIpRange = pool, MaxElasticIpsPerAccount = limit,
        }, f.Accounts, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        AmazonEC2Client Client(Identity.AccessKey key) => new(new BasicAWSCredentials(key.AccessKeyId, key.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = server.Endpoint.ToString(), AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });
        return new Clc(server, cluster, db, dir, Client(f.Alice), Client(f.Bob));
    }

    [Fact]
    public async Task A_small_pool_runs_out_with_InsufficientAddressCapacity_and_refills_on_release()
    {
        await using var clc = await StartAsync("198.51.100.10 - 198.51.100.13", limit: 3);
        var alices = new List<AllocateAddressResponse>();
        for (var i = 0; i < 3; i++)
            alices.Add(await clc.Alice.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc }));
        Assert.Equal(["198.51.100.10", "198.51.100.11", "198.51.100.12"], alices.Select(a => a.PublicIp));
        // The account's limit comes first, then the pool.
        await Ec2Assert.FailsAsync("AddressLimitExceeded", () => clc.Alice.AllocateAddressAsync(new AllocateAddressRequest()));
        Assert.Equal("198.51.100.13", (await clc.Bob.AllocateAddressAsync(new AllocateAddressRequest())).PublicIp);
        await Ec2Assert.FailsAsync("InsufficientAddressCapacity", () => clc.Bob.AllocateAddressAsync(new AllocateAddressRequest()));
        await Ec2Assert.FailsAsync("InvalidAddress.NotFound", () => clc.Bob.AllocateAddressAsync(new AllocateAddressRequest { Address = "198.51.100.9" }));
        Assert.Single((await clc.Bob.DescribeAddressesAsync(new DescribeAddressesRequest())).Addresses);

        await clc.Alice.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = alices[1].AllocationId });
        Assert.Equal("198.51.100.11", (await clc.Bob.AllocateAddressAsync(new AllocateAddressRequest())).PublicIp);
        await using var c = await clc.Db.OpenAsync();
        Assert.Equal(4, await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM elastic_addresses"));
    }

    [Fact]
    public async Task Interfaces_page_and_their_changes_reach_the_cluster_once_they_have_a_mac()
    {
        await using var clc = await StartAsync("198.51.100.0/28", limit: 5);
        var launched = (await clc.Alice.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = Machine, InstanceType = InstanceType.M1Small, MinCount = 7, MaxCount = 7, Placement = new Placement { AvailabilityZone = Zone },
        })).Reservation.Instances;
        var ids = launched.Select(i => i.InstanceId).ToArray();
        await clc.Alice.WaitForStateAsync("running", ids);
        var enis = launched.Select(i => i.NetworkInterfaces.Single().NetworkInterfaceId).Order(StringComparer.Ordinal).ToList();

        var first = await clc.Alice.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { MaxResults = 5 });
        Assert.Equal(enis.Take(5), first.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        Assert.NotNull(first.NextToken);
        var second = await clc.Alice.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { MaxResults = 5, NextToken = first.NextToken });
        Assert.Equal(enis.Skip(5), second.NetworkInterfaces.Select(n => n.NetworkInterfaceId));
        Assert.Null(second.NextToken);

        // Without a MAC (USER mode) nothing goes to the CC; once the CC's allocation is recorded (at launch, by the CC's answer), it does.
        var eip = await clc.Alice.AllocateAddressAsync(new AllocateAddressRequest());
        var group = (await clc.Alice.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("g"), Description = "g" })).GroupId;
        var withoutMac = enis[0];
        var assoc = (await clc.Alice.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, NetworkInterfaceId = withoutMac })).AssociationId;
        await clc.Alice.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest { NetworkInterfaceId = withoutMac, Groups = [group] });
        await clc.Alice.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = assoc });
        Assert.Empty(clc.Cluster.Service.Calls);

        var withMac = enis[1];
        var interfaces = clc.Server.Services.GetRequiredService<NetworkInterfaceStore>();
        Assert.True(await interfaces.RecordAllocationAsync(withMac, "02:00:00:00:00:01", "172.31.0.5", "ip-172-31-0-5.ironbark.compute.internal", "203.0.113.9",
            CancellationToken.None));
        Assert.False(await interfaces.RecordAllocationAsync("eni-0123456789abcdef0", "02:00:00:00:00:02", "172.31.0.6", null, null, CancellationToken.None));
        var described = (await clc.Alice.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { NetworkInterfaceIds = [withMac] })).NetworkInterfaces.Single();
        Assert.Equal(("02:00:00:00:00:01", "172.31.0.5", "ip-172-31-0-5.ironbark.compute.internal"), (described.MacAddress, described.PrivateIpAddress, described.PrivateDnsName));
        Assert.Equal("172.31.0.5", Assert.Single(described.PrivateIpAddresses).PrivateIpAddress);
        // The pool address shows, owned by "amazon", until an elastic IP takes its place.
        Assert.Equal(("203.0.113.9", "amazon", null), (described.Association.PublicIp, described.Association.IpOwnerId, described.Association.AllocationId));
        var instanceOfMac = launched.Single(i => i.NetworkInterfaces[0].NetworkInterfaceId == withMac).InstanceId;
        assoc = (await clc.Alice.AssociateAddressAsync(new AssociateAddressRequest { PublicIp = eip.PublicIp, InstanceId = instanceOfMac })).AssociationId;
        var address = (await clc.Alice.DescribeAddressesAsync(new DescribeAddressesRequest())).Addresses.Single();
        Assert.Equal("172.31.0.5", address.PrivateIpAddress);
        var associated = (await clc.Alice.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceOfMac] })).Reservations.Single().Instances.Single();
        Assert.Equal(eip.PublicIp, associated.PublicIpAddress);
        Assert.Equal((eip.PublicIp, "172.31.0.5"), (associated.NetworkInterfaces.Single().Association.PublicIp, associated.NetworkInterfaces.Single().PrivateIpAddress));
        await clc.Alice.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instanceOfMac, Groups = [group] });
        await clc.Alice.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = eip.PublicIp });
        Assert.Equal("203.0.113.9", (await clc.Alice.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceOfMac] }))
            .Reservations.Single().Instances.Single().PublicIpAddress);
        Assert.Equal([$"AssociateAddress {withMac} {eip.PublicIp}", $"SetInterfaceGroups {withMac} {group}", $"DisassociateAddress {withMac} {eip.PublicIp}"],
            clc.Cluster.Service.Calls);

        await clc.Alice.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [.. ids] });
        await clc.Alice.WaitForStateAsync("terminated", ids);
        Assert.Empty((await clc.Alice.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest())).NetworkInterfaces ?? []);
    }

    [Fact]
    public async Task A_launch_asks_the_cluster_for_a_vpc_interface_after_the_groups_and_records_what_it_allocated()
    {
        await using var clc = await StartAsync("198.51.100.0/28", limit: 5, allocates: true);
        var cluster = clc.Cluster.Service;
        var web = (await clc.Alice.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("web"), Description = "web" })).GroupId;
        await clc.Alice.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = web,
            IpPermissions =
            [
                new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] },
                new IpPermission { IpProtocol = "udp", FromPort = 53, ToPort = 53, UserIdGroupPairs = [new UserIdGroupPair { GroupId = web }] },
            ],
        });
        var vpc = (await clc.Alice.DescribeVpcsAsync(new DescribeVpcsRequest())).Vpcs.Single();
        var subnet = (await clc.Alice.DescribeSubnetsAsync(new DescribeSubnetsRequest())).Subnets.Single(s => s.AvailabilityZone == Zone);

        var id = (await clc.Alice.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = Machine, InstanceType = InstanceType.M1Small, MinCount = 1, MaxCount = 1, SecurityGroupIds = [web], Placement = new Placement { AvailabilityZone = Zone },
        })).Reservation.Instances.Single().InstanceId;
        var running = (await clc.Alice.WaitForStateAsync("running", id)).Single();

        var (launchSeq, launch) = cluster.Launches.Single(l => l.Request.InstanceId == id);
        var nic = running.NetworkInterfaces.Single();
        Assert.Equal(("VPC", nic.NetworkInterfaceId, vpc.VpcId, subnet.SubnetId, "172.31.0.0/16", subnet.CidrBlock, true, "ironbark.compute.internal"),
            (launch.Network.Mode, launch.Network.InterfaceId, launch.Network.VpcId, launch.Network.SubnetId, launch.Network.VpcCidr, launch.Network.SubnetCidr,
                launch.Network.AssignPublicIp, launch.Network.DnsDomain));
        Assert.Equal([web], launch.Network.SecurityGroupIds);
        // The CC had the group's rules before the launch reached it.
        var before = cluster.GroupSets.Where(g => g.Seq < launchSeq).Select(g => g.Set).Last();
        var sent = before.Groups.Single(g => g.GroupId == web);
        Assert.Equal(vpc.VpcId, sent.VpcId);
        Assert.Equal([("tcp", 22, 22, "0.0.0.0/0", ""), ("udp", 53, 53, "", web)],
            sent.Ingress.Select(r => (r.Protocol, r.FromPort, r.ToPort, string.Join(",", r.Cidrs), string.Join(",", r.SourceGroupIds))));
        Assert.Equal([("-1", -1, -1, "0.0.0.0/0")], sent.Egress.Select(r => (r.Protocol, r.FromPort, r.ToPort, string.Join(",", r.Cidrs))));
        Assert.Contains(before.Groups, g => g.VpcId == vpc.VpcId && g.GroupId != web); // the VPC's "default" group

        // What the CC allocated is the instance's and its interface's.
        var privateIp = AddressIn(subnet.CidrBlock, 4); // the first after the subnet's reserved four
        Assert.Equal((privateIp, $"ip-{privateIp.Replace('.', '-')}.ironbark.compute.internal", "203.0.113.1", "ec2-203-0-113-1.ironbark.compute.internal"),
            (running.PrivateIpAddress, running.PrivateDnsName, running.PublicIpAddress, running.PublicDnsName));
        Assert.Equal((vpc.VpcId, subnet.SubnetId), (running.VpcId, running.SubnetId));
        Assert.Equal(4091 - 1, (await clc.Alice.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnet.SubnetId] })).Subnets.Single().AvailableIpAddressCount);
        Assert.Equal(("02:00:00:00:00:01", privateIp, "203.0.113.1", "ec2-203-0-113-1.ironbark.compute.internal", "amazon"),
            (nic.MacAddress, nic.PrivateIpAddress, nic.Association.PublicIp, nic.Association.PublicDnsName, nic.Association.IpOwnerId));
        Assert.Equal([id], (await clc.Alice.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("private-ip-address", [privateIp])] }))
            .Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));
        Assert.Equal([id], (await clc.Alice.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("dns-name", [running.PublicDnsName])] }))
            .Reservations.SelectMany(r => r.Instances).Select(i => i.InstanceId));

        // A revoked rule reaches the CC in a new, later set, without waiting for the reconcile round.
        var sets = cluster.GroupSets.Count;
        await clc.Alice.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest
        {
            GroupId = web, IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        });
        var revoked = await Eventually(() => cluster.GroupSets.Skip(sets).Select(g => g.Set).LastOrDefault(s => s.Groups.Single(g => g.GroupId == web).Ingress.Count == 1));
        Assert.True(revoked.Version > before.Version);
        Assert.Equal("udp", revoked.Groups.Single(g => g.GroupId == web).Ingress.Single().Protocol);

        // An elastic IP takes the pool address's place; disassociated, the CC's pool address is back.
        var eip = await clc.Alice.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        await clc.Alice.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = id });
        Assert.Equal(eip.PublicIp, (await Describe(clc, id)).PublicIpAddress);
        await clc.Alice.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = eip.PublicIp });
        Assert.Equal("203.0.113.1", (await Describe(clc, id)).PublicIpAddress);
        // (A reconcile round that read the store between the CLC's write and its call may send one of them again: they are idempotent.)
        Assert.Equal([$"AssociateAddress {nic.NetworkInterfaceId} {eip.PublicIp}", $"DisassociateAddress {nic.NetworkInterfaceId} {eip.PublicIp}"], cluster.Calls.Distinct());

        // An allocation the CLC lost (stopped between the CC's answer and its write) is recorded from the CC's report.
        await using (var c = await clc.Db.OpenAsync())
            await c.ExecuteAsync("UPDATE network_interfaces SET mac_address = NULL, private_ip_address = NULL, private_dns_name = NULL, pool_public_ip = NULL");
        Assert.Null((await Describe(clc, id)).NetworkInterfaces.Single().MacAddress);
        var recorded = await Eventually(async () => await Describe(clc, id) is { NetworkInterfaces: [{ MacAddress: not null }] } i ? i : null);
        Assert.Equal(("02:00:00:00:00:01", privateIp, "203.0.113.1"), (recorded.NetworkInterfaces.Single().MacAddress, recorded.PrivateIpAddress, recorded.PublicIpAddress));
        // The CC's report had the groups the CLC stores: they were not sent again.
        Assert.DoesNotContain(cluster.Calls, c => c.StartsWith("SetInterfaceGroups", StringComparison.Ordinal));

        // Changes the CC missed (it was down) reach it through the reconcile loop once it answers again.
        cluster.RefusesInterfaceCalls = true;
        var extra = (await clc.Alice.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = ClcFixture.Unique("extra"), Description = "x" })).GroupId;
        await clc.Alice.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = id, Groups = [web, extra] });
        await clc.Alice.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = eip.AllocationId, InstanceId = id });
        Assert.Equal([web], cluster.InterfaceOf(id)!.SecurityGroupIds);
        Assert.Equal("203.0.113.1", cluster.InterfaceOf(id)!.PublicIp);
        Assert.Equal(eip.PublicIp, (await Describe(clc, id)).PublicIpAddress); // the CLC's store is what should be
        cluster.RefusesInterfaceCalls = false;
        var caughtUp = await Eventually(() => cluster.InterfaceOf(id) is { PublicIp: var ip } n && ip == eip.PublicIp && n.SecurityGroupIds.Count == 2 ? n : null);
        Assert.Equal(new[] { web, extra }.Order(), caughtUp.SecurityGroupIds.Order());
        // And a disassociation it missed: the CC's mapping is taken off, the pool address recorded again.
        cluster.RefusesInterfaceCalls = true;
        await clc.Alice.DisassociateAddressAsync(new DisassociateAddressRequest { PublicIp = eip.PublicIp });
        Assert.Equal(eip.PublicIp, cluster.InterfaceOf(id)!.PublicIp);
        cluster.RefusesInterfaceCalls = false;
        await Eventually(() => cluster.InterfaceOf(id) is { PublicIp: "203.0.113.1" } n ? n : null);
        Assert.Equal("203.0.113.1", (await Describe(clc, id)).PublicIpAddress);

        await clc.Alice.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [id] });
        await clc.Alice.WaitForStateAsync("terminated", id);
        Assert.Equal(4091, (await clc.Alice.DescribeSubnetsAsync(new DescribeSubnetsRequest { SubnetIds = [subnet.SubnetId] })).Subnets.Single().AvailableIpAddressCount);
    }

    private static string AddressIn(string cidr, uint offset)
    {
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes,
            System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(System.Net.IPNetwork.Parse(cidr).BaseAddress.GetAddressBytes()) + offset);
        return new System.Net.IPAddress(bytes).ToString();
    }

    private static async Task<Amazon.EC2.Model.Instance> Describe(Clc clc, string id) =>
        (await clc.Alice.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [id] })).Reservations.Single().Instances.Single();

    private static Task<T> Eventually<T>(Func<T?> probe) where T : class => Eventually(() => Task.FromResult(probe()));

    private static async Task<T> Eventually<T>(Func<Task<T?>> probe) where T : class
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            if (await probe() is { } found)
                return found;
            Assert.True(DateTime.UtcNow < until, "not seen within 10 s");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task The_migration_gives_each_live_instance_of_before_its_primary_interface_in_its_groups()
    {
        using var dir = new TempDir();
        var connection = await f.NewDatabaseAsync();
        await using var db = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection));
        await ClcSchema.MigrateAsync(db, versions: 6, CancellationToken.None);
        var store = new InstanceStore(db);
        var live = Old("running", [new GroupRef("sg-00000000000000001", "default"), new GroupRef("sg-00000000000000002", "web")]);
        var ended = Old(InstanceState.Terminated, []);
        Assert.NotNull(await store.TryInsertAsync([live], CancellationToken.None));
        Assert.NotNull(await store.TryInsertAsync([ended], CancellationToken.None));

        await ClcSchema.MigrateAsync(db, CancellationToken.None);

        var nic = Assert.Single(await new NetworkInterfaceStore(db).ListAsync(f.AliceAccountId, CancellationToken.None));
        Assert.Equal(("eni-" + live.InstanceId[2..], live.InstanceId, "eni-attach-" + live.InstanceId[2..], "in-use", true),
            (nic.NetworkInterfaceId, nic.InstanceId, nic.AttachmentId, nic.Status, nic.SourceDestCheck));
        Assert.Equal(["sg-00000000000000001", "sg-00000000000000002"], nic.Groups.Select(g => g.GroupId));
        Assert.Null(nic.MacAddress);
        var listed = (await store.ListAsync(f.AliceAccountId, [live.InstanceId, ended.InstanceId], CancellationToken.None)).ToDictionary(i => i.InstanceId);
        Assert.Equal(nic.NetworkInterfaceId, listed[live.InstanceId].PrimaryInterface?.NetworkInterfaceId);
        Assert.Null(listed[ended.InstanceId].PrimaryInterface);
    }

    private Instance Old(string state, IReadOnlyList<GroupRef> groups) => new()
    {
        InstanceId = ResourceId.New(Instance.IdPrefix), ReservationId = ResourceId.New(Instance.ReservationPrefix), AccountId = f.AliceAccountId,
        ImageId = Machine, KernelId = Kernel, InstanceType = "m1.small", Zone = Zone, State = state, LaunchMs = 1, Groups = groups,
        Launch = new InstanceLaunch(1, 256, new LaunchImage(Machine, "images", "root.img", new string('a', 64), 1), new LaunchImage(Kernel, "images", "vmlinux",
            new string('b', 64), 1), null, null, [], groups.Select(g => g.GroupName).ToList()),
    };

    private const string Machine = "ami-00000000000000011";
    private const string Kernel = "aki-00000000000000012";

    /// <summary>A machine image and its kernel, alice's, as RegisterImage would have stored them (this CLC reads no Walrus).</summary>
    private async Task InsertImagesAsync(Database db)
    {
        var images = new ImageStore(db);
        foreach (var (id, type, kernel) in new[] { (Kernel, "kernel", (string?)null), (Machine, "machine", Kernel) })
            Assert.True(await images.TryInsertAsync(new Image
            {
                ImageId = id, AccountId = f.AliceAccountId, ImageType = type, Name = id, Architecture = "x86_64", ImageLocation = $"images/{id}.manifest.xml",
                KernelId = kernel, ObjectBucket = "images", ObjectKey = id, SizeBytes = 1, Sha256 = new string('c', 64), CreatedMs = 1,
            }, CancellationToken.None));
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteAddressPoolTests(SqliteClcFixture f) : AddressPoolTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresAddressPoolTests(PostgresClcFixture f) : AddressPoolTests(f);
