using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Dapper;
using Google.Protobuf;
using Ironbark.Clc.Domain;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Data;
using Ironbark.Common.Ids;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;
using Instance = Ironbark.Clc.Domain.Instance;
using InstanceState = Ironbark.Clc.Domain.InstanceState;
using NetworkInterface = Ironbark.Common.Contracts.Nc.NetworkInterface;

namespace Ironbark.Clc.Tests;

/// <summary>
/// A cloud upgraded from a release that stored each instance's launch as the NC's RunInstanceRequest in protobuf's
/// JSON (schema version 4): its CLC opens the old database, keeps every instance, and launches a pending one
/// after the restart with exactly the request the old release stored; the launch records read back intact.
/// </summary>
public abstract class LaunchRecordMigrationTests(ClcFixture f)
{
    private const string Zone = "upgrade-a";

    [Fact]
    public async Task A_database_of_the_old_release_keeps_its_instances_and_relaunches_them_as_stored()
    {
        using var dir = new TempDir();
        var pki = new CloudCertificates(Path.Combine(f.DataDir, "pki"));
        TestCertificates.CopyPkiInto(pki, dir.Path);
        var connection = await f.NewDatabaseAsync();
        var reservation = ResourceId.New(Instance.ReservationPrefix);
        var pending = ResourceId.New(Instance.IdPrefix);
        var ended = ResourceId.New(Instance.IdPrefix);
        var userData = Encoding.UTF8.GetBytes("#!/bin/sh\necho launched from the old release\n");
        var pendingSpec = OldSpec(pending, reservation, withRamdisk: true, ("upgrade-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample upgrade"),
            userData, ["default", "web"]);
        var endedSpec = OldSpec(ended, reservation, withRamdisk: false, key: null, [], []);
        await using (var old = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection)))
        {
            await ClcSchema.MigrateAsync(old, versions: 4, CancellationToken.None);
            await InsertOldAsync(old, pendingSpec, "pending", launchIndex: 0, ("required", 2, "pending"), [("sg-00000000000000001", "default"), ("sg-00000000000000002", "web")]);
            await InsertOldAsync(old, endedSpec, "terminated", launchIndex: 1, ("optional", 1, "applied"), []);
        }

        await using var cluster = await ImpostorServer<RecordingCluster>.StartAsync(new RecordingCluster(), pki.Load(ComponentRole.Cc), pki.LoadCa());
        await using var clc = await ClcServer.StartAsync(new ClcOptions
        {
            DataDir = dir.Path, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0", PostgresConnectionString = connection, AvailabilityZones = [Zone],
            ClusterControllers = new Dictionary<string, string> { [Zone] = cluster.Endpoint.ToString() }, ReconcileInterval = TimeSpan.FromMilliseconds(200),
        }, f.Accounts, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        using var ec2 = new AmazonEC2Client(new BasicAWSCredentials(f.Alice.AccessKeyId, f.Alice.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = clc.Endpoint.ToString(), AuthenticationRegion = "ironbark", MaxErrorRetry = 0 });

        // The pending instance goes out again (the reconcile loop finds no node with it), as the old release would have sent it.
        var running = Assert.Single(await ec2.WaitForStateAsync("running", pending));
        pendingSpec.MetadataOptions = new MetadataOptions { HttpTokens = "required", HttpPutResponseHopLimit = 2, HttpEndpoint = "enabled" };
        Assert.Equal(pendingSpec, cluster.Service.Launched[pending]);
        Assert.DoesNotContain(ended, cluster.Service.Launched.Keys);
        Assert.Equal(("upgrade-key", "ari-00000000000000003"), (running.KeyName, running.RamdiskId));
        Assert.Equal(["default", "web"], running.SecurityGroups.Select(g => g.GroupName));
        // "running" and "applied" are two writes (the node confirms the options after the launch): read once both are in.
        var options = running.MetadataOptions;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); options.State.Value != "applied" && DateTime.UtcNow < deadline; )
        {
            await Task.Delay(100);
            options = Assert.Single(await ec2.DescribeAsync(pending)).MetadataOptions;
        }
        Assert.Equal(("required", 2, "applied"), (options.HttpTokens.Value, options.HttpPutResponseHopLimit, options.State.Value));
        Assert.Equal(userData, await UserDataAsync(ec2, pending));
        Assert.Equal("terminated", Assert.Single(await ec2.DescribeAsync(ended)).State.Name.Value);
        Assert.Empty(await UserDataAsync(ec2, ended));

        await using var db = new Database(DatabaseOptions.For(dir.Path, "clc.db", connection));
        var store = new InstanceStore(db);
        var launch = (await store.FindAsync(pending, CancellationToken.None))!.Launch!;
        Assert.Equal((1, 256, "ami-00000000000000001", "images", "guest/root.img", 5_000_000_000L, "aki-00000000000000002", "ari-00000000000000003"),
            (launch.VCpus, launch.MemoryMiB, launch.Machine.ImageId, launch.Machine.ObjectBucket, launch.Machine.ObjectKey, launch.Machine.SizeBytes,
                launch.Kernel.ImageId, launch.Ramdisk?.ImageId));
        Assert.Equal(new string('a', 64), launch.Machine.Sha256);
        Assert.Equal("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample upgrade", launch.PublicKey);
        Assert.Equal(userData, launch.UserData);
        Assert.Equal(["default", "web"], launch.GroupNames);
        var bare = (await store.FindAsync(ended, CancellationToken.None))!;
        Assert.Null(bare.Launch!.Ramdisk);
        Assert.Null(bare.Launch.PublicKey);
        Assert.Empty(bare.Launch.UserData);
        Assert.Empty(bare.Launch.GroupNames);
        // What the CLC would send for it is what the old release stored (with the metadata options it has).
        endedSpec.MetadataOptions = new MetadataOptions { HttpTokens = "optional", HttpPutResponseHopLimit = 1, HttpEndpoint = "enabled" };
        Assert.Equal(endedSpec, LaunchWire.ToMessage(bare, network: null)); // an instance of before the default VPC: USER mode

        // The old column is gone: instances launched after the upgrade are stored with the new record only.
        var later = new Instance
        {
            InstanceId = ResourceId.New(Instance.IdPrefix), ReservationId = ResourceId.New(Instance.ReservationPrefix), AccountId = f.AliceAccountId,
            ImageId = launch.Machine.ImageId, KernelId = launch.Kernel.ImageId, InstanceType = "m1.small", Zone = Zone, State = InstanceState.Terminated,
            LaunchMs = 1, Launch = launch with { Ramdisk = null, UserData = "new"u8.ToArray() },
        };
        Assert.NotNull(await store.TryInsertAsync([later], CancellationToken.None));
        Assert.Equal("new"u8.ToArray(), (await store.FindAsync(later.InstanceId, CancellationToken.None))!.Launch!.UserData);
    }

    /// <summary>The launch spec the old release wrote (InstanceLaunchService before the launch record).</summary>
    private RunInstanceRequest OldSpec(string id, string reservation, bool withRamdisk, (string Name, string PublicKey)? key, byte[] userData, string[] groups) => new()
    {
        InstanceId = id, Cores = 1, MemoryMib = 256,
        Kernel = Ref("aki-00000000000000002", "guest/vmlinux", 'b', 9_000_000), Ramdisk = withRamdisk ? Ref("ari-00000000000000003", "guest/initrd.img", 'c', 3_000_000) : null,
        RootDisk = Ref("ami-00000000000000001", "guest/root.img", 'a', 5_000_000_000L),
        Network = new NetworkInterface { Mode = "USER", PrivateIp = Instance.UserNetworkAddress },
        Data = new InstanceData
        {
            UserData = ByteString.CopyFrom(userData), PublicKey = key?.PublicKey ?? "", KeyName = key?.Name ?? "", ImageId = "ami-00000000000000001",
            InstanceType = "m1.small", Hostname = id, AvailabilityZone = Zone, ReservationId = reservation, AccountId = f.AliceAccountId,
            KernelId = "aki-00000000000000002", RamdiskId = withRamdisk ? "ari-00000000000000003" : "", SecurityGroups = { groups },
        },
    };

    private static ImageRef Ref(string id, string key, char digest, long size) => new()
    {
        Id = id, Bucket = "images", Key = key, Sha256 = new string(digest, 64), Size = size,
    };

    /// <summary>An instance row as schema version 4 had it, its launch spec formatted as the old release did.</summary>
    private static async Task InsertOldAsync(Database db, RunInstanceRequest spec, string state, int launchIndex,
        (string Tokens, int HopLimit, string State) metadata, IReadOnlyList<(string Id, string Name)> groups)
    {
        await using var c = await db.OpenAsync();
        await c.ExecuteAsync(
            "INSERT INTO instances (instance_id, reservation_id, account_id, image_id, kernel_id, ramdisk_id, instance_type, key_name, zone, " +
            "launch_index, client_token, state, state_reason, transition_reason, node_id, disable_api_termination, shutdown_behavior, launch_ms, " +
            "terminated_ms, launch_spec, http_tokens, http_put_response_hop_limit, http_endpoint, metadata_options_state) VALUES (@InstanceId, " +
            "@ReservationId, @AccountId, @ImageId, @KernelId, @RamdiskId, @InstanceType, @KeyName, @AvailabilityZone, @launchIndex, NULL, @state, " +
            "NULL, NULL, NULL, @no, 'terminate', @now, @terminatedMs, @launchSpec, @Tokens, @HopLimit, 'enabled', @MetadataState)",
            new
            {
                spec.InstanceId, spec.Data.ReservationId, spec.Data.AccountId, spec.Data.ImageId, spec.Data.KernelId,
                RamdiskId = spec.Data.RamdiskId.Length > 0 ? spec.Data.RamdiskId : null, spec.Data.InstanceType,
                KeyName = spec.Data.KeyName.Length > 0 ? spec.Data.KeyName : null, spec.Data.AvailabilityZone, launchIndex, state, no = false,
                now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), terminatedMs = state == "terminated" ? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() : (long?)null,
                launchSpec = JsonFormatter.Default.Format(spec), metadata.Tokens, metadata.HopLimit, MetadataState = metadata.State,
            });
        await c.ExecuteAsync("INSERT INTO instance_groups (instance_id, group_id, group_name) VALUES (@InstanceId, @GroupId, @GroupName)",
            groups.Select(g => new { spec.InstanceId, GroupId = g.Id, GroupName = g.Name }));
    }

    private static async Task<byte[]> UserDataAsync(IAmazonEC2 ec2, string instanceId)
    {
        var value = (await ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.UserData }))
            .InstanceAttribute.UserData;
        return string.IsNullOrEmpty(value) ? [] : Convert.FromBase64String(value);
    }
}

[Collection(SqliteClc.Name)]
public sealed class SqliteLaunchRecordMigrationTests(SqliteClcFixture f) : LaunchRecordMigrationTests(f);

[Collection(PostgresClc.Name)]
public sealed class PostgresLaunchRecordMigrationTests(PostgresClcFixture f) : LaunchRecordMigrationTests(f);
