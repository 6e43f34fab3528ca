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

    private async Task<Clc> StartAsync(string pool, int limit)
    {
        var dir = new TempDir();
        var pki = new CloudCertificates(Path.Combine(f.DataDir, "pki"));
        TestCertificates.CopyPkiInto(pki, dir.Path);
        var connection = await f.NewDatabaseAsync();
        var db = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection));
        await ClcSchema.MigrateAsync(db, CancellationToken.None);
        await InsertImagesAsync(db);
        var cluster = await ImpostorServer<NetworkRecordingCluster>.StartAsync(new NetworkRecordingCluster(), pki.Load(ComponentRole.Cc), pki.LoadCa());
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
