using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Amazon.S3;
using GetPreSignedUrlRequest = Amazon.S3.Model.GetPreSignedUrlRequest;
using PutObjectRequest = Amazon.S3.Model.PutObjectRequest;
using Filter = Amazon.EC2.Model.Filter;
using Ironbark.Testing;
using Xunit.Abstractions;

namespace Ironbark.EndToEnd.Tests;

/// <summary>
/// `ironbark up` on the VPC network (the default as root): the Debian guest launched with a key pair is reached over SSH
/// by its public address from the cloud's outside namespace only once its group allows tcp/22, and by an elastic IP
/// while that is associated; inside it, the metadata service (IMDSv2 and v1), its user data, Walrus and the EC2 API
/// answer at the documented addresses (docs/network-node.md). One boot for the class: minutes under TCG.
/// </summary>
public sealed class VmNetworkTests(VmNetworkFixture f, ITestOutputHelper output) : IClassFixture<VmNetworkFixture>
{
    [Fact]
    public async Task Ssh_by_the_public_address_is_refused_until_the_group_allows_tcp_22_then_works()
    {
        Assert.True(f.SshBeforeAuthorize.Code != 0, $"ssh worked before the group allowed tcp/22: {f.SshBeforeAuthorize.Stdout}");
        var ip = await f.PublicIpAsync();
        Assert.StartsWith("203.0.113.", ip);
        var (code, stdout, stderr) = await f.SshUntilAsync(ip, "hostname; id -un");
        Assert.True(code == 0, $"ssh {ip} after the authorize: {stderr}");
        Assert.Contains(DebianGuest.DefaultUser, stdout);
    }

    [Fact]
    public async Task Inside_the_guest_metadata_user_data_Walrus_and_the_EC2_API_answer()
    {
        var ip = await f.PublicIpAsync();
        var token = "$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)";
        var script = string.Join("; ",
            $"echo v2=$(curl -sf -H \"X-aws-ec2-metadata-token: {token}\" http://169.254.169.254/latest/meta-data/instance-id)",
            "echo v1=$(curl -sf http://169.254.169.254/latest/meta-data/instance-id)",
            $"echo ud=$(curl -sf http://169.254.169.254/latest/user-data | grep -o {VmNetworkFixture.UserDataMarker})",
            $"echo s3=$(curl -sf '{f.PresignedObjectUrl()}')",
            $"echo ec2=$(curl -sf '{f.SignedEc2Url("DescribeInstances")}' | grep -c {f.InstanceId})");
        var (code, stdout, stderr) = await f.SshUntilAsync(ip, script);
        output.WriteLine(stdout);
        Assert.True(code == 0, $"ssh {ip}: {stderr}");
        Assert.Contains($"v2={f.InstanceId}\n", stdout);
        Assert.Contains($"v1={f.InstanceId}\n", stdout);
        Assert.Contains($"ud={VmNetworkFixture.UserDataMarker}\n", stdout);
        Assert.Contains($"s3={VmNetworkFixture.ObjectBody}\n", stdout);
        Assert.DoesNotContain("ec2=0\n", stdout);
        Assert.Contains("ec2=", stdout);
    }

    [Fact]
    public async Task An_elastic_IP_takes_the_guest_from_its_pool_address_and_gives_it_back()
    {
        var poolIp = await f.PublicIpAsync();
        var allocated = await f.Ec2.AllocateAddressAsync(new AllocateAddressRequest { Domain = DomainType.Vpc });
        var associated = await f.Ec2.AssociateAddressAsync(new AssociateAddressRequest { InstanceId = f.InstanceId, AllocationId = allocated.AllocationId });
        try
        {
            Assert.StartsWith("198.51.100.", allocated.PublicIp);
            var (code, _, stderr) = await f.SshUntilAsync(allocated.PublicIp, "true");
            Assert.True(code == 0, $"ssh to the elastic IP {allocated.PublicIp}: {stderr}");
            Assert.Equal(allocated.PublicIp, await f.PublicIpAsync());
            var old = await f.SshAsync(poolIp, "true");
            Assert.True(old.Code != 0, $"the old pool address {poolIp} still answers ssh");
        }
        finally
        {
            await f.Ec2.DisassociateAddressAsync(new DisassociateAddressRequest { AssociationId = associated.AssociationId });
            await f.Ec2.ReleaseAddressAsync(new ReleaseAddressRequest { AllocationId = allocated.AllocationId });
        }
        var gone = await f.SshAsync(allocated.PublicIp, "true");
        Assert.True(gone.Code != 0, $"the released elastic IP {allocated.PublicIp} still answers ssh");
        var back = await f.PublicIpAsync();
        Assert.StartsWith("203.0.113.", back);
        var (again, _, err) = await f.SshUntilAsync(back, "true");
        Assert.True(again == 0, $"ssh to the pool address {back} after the disassociation: {err}");
    }
}

/// <summary>A cloud of `ironbark up --debian-guest` on its VPC network with one Debian guest, booted once; tcp/22 opened once the closed check is done.</summary>
public sealed class VmNetworkFixture : IAsyncLifetime
{
    public const string UserDataMarker = "IRONBARK-VMNET-USERDATA";
    public const string ObjectBody = "hello-from-walrus";
    private const string Bucket = "vmnet";
    private readonly TempDir _keys = new();
    private string _keyFile = "";

    public Cloud Cloud { get; private set; } = null!;
    public AmazonEC2Client Ec2 { get; private set; } = null!;
    public string InstanceId { get; private set; } = "";
    public string Outside { get; private set; } = "";
    public (int Code, string Stdout, string Stderr) SshBeforeAuthorize { get; private set; }

    public async Task InitializeAsync()
    {
        var guest = await DebianGuest.BuildAsync();
        Cloud = await Cloud.StartAsync(debianGuest: guest);
        Outside = Cloud.OutsideNamespace ?? throw new InvalidOperationException($"up did not make its VM network:\n{Cloud.Process.Output}");
        var admin = Cloud.Admin;
        Ec2 = new AmazonEC2Client(new BasicAWSCredentials(admin.AccessKeyId, admin.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = admin.Ec2Url, AuthenticationRegion = admin.Region, MaxErrorRetry = 0 });
        using (var s3 = admin.S3Client())
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "greeting", ContentBody = ObjectBody });
        }

        _keyFile = _keys.Combine("id_ed25519");
        var (code, _, stderr) = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "vmnet-test", "-f", _keyFile]);
        Assert.True(code == 0, stderr);
        var publicKey = (await File.ReadAllTextAsync(_keyFile + ".pub")).Trim();
        await Ec2.ImportKeyPairAsync(new ImportKeyPairRequest { KeyName = "vmnet", PublicKeyMaterial = Convert.ToBase64String(Encoding.ASCII.GetBytes(publicKey)) });

        var imageId = await WaitForImageAsync("debian-12");
        var launched = await Ec2.RunInstancesAsync(new RunInstancesRequest
        {
            ImageId = imageId, InstanceType = InstanceType.C1Medium, MinCount = 1, MaxCount = 1, KeyName = "vmnet",
            UserData = Convert.ToBase64String(Encoding.UTF8.GetBytes($"#!/bin/sh\necho {UserDataMarker}\n")),
        });
        InstanceId = launched.Reservation.Instances[0].InstanceId;
        await WaitForCloudInitAsync();

        // sshd runs (cloud-init is done), but the default group lets in only its own members.
        SshBeforeAuthorize = await SshAsync(await PublicIpAsync(), "true");
        var group = (await Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("group-name", ["default"])] })).SecurityGroups[0];
        await Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = group.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        });
    }

    /// <summary>A presigned GET of the test object as a guest reaches Walrus: at 169.254.169.254:8779.</summary>
    public string PresignedObjectUrl()
    {
        var admin = Cloud.Admin;
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(admin.AccessKeyId, admin.SecretAccessKey),
            new AmazonS3Config { ServiceURL = "http://169.254.169.254:8779", ForcePathStyle = true, AuthenticationRegion = admin.Region, UseHttp = true });
        return s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = Bucket, Key = "greeting", Expires = DateTime.UtcNow.AddMinutes(10), Verb = HttpVerb.GET, Protocol = Amazon.S3.Protocol.HTTP });
    }

    /// <summary>An EC2 Query request signed with Signature Version 2 for the address guests use, 169.254.169.254:8773 (curl in the guest sends it).</summary>
    public string SignedEc2Url(string action)
    {
        const string host = "169.254.169.254:8773";
        var admin = Cloud.Admin;
        var parameters = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["Action"] = action, ["Version"] = "2016-11-15", ["AWSAccessKeyId"] = admin.AccessKeyId,
            ["SignatureMethod"] = "HmacSHA256", ["SignatureVersion"] = "2",
            ["Expires"] = DateTime.UtcNow.AddMinutes(10).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        };
        var query = string.Join('&', parameters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(admin.SecretAccessKey), Encoding.UTF8.GetBytes($"GET\n{host}\n/\n{query}")));
        return $"http://{host}/?{query}&Signature={Uri.EscapeDataString(signature)}";
    }

    public async Task<string> PublicIpAsync()
    {
        var reservations = (await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [InstanceId] })).Reservations;
        return reservations[0].Instances[0].PublicIpAddress ?? throw new InvalidOperationException($"{InstanceId} has no public address");
    }

    /// <summary>ssh from the outside namespace as a user would: BatchMode, any host key, a short connect timeout.</summary>
    /// <summary>ssh from the outside namespace; a session that does not end within a minute counts as no answer (exit 124, as timeout(1)).</summary>
    public async Task<(int Code, string Stdout, string Stderr)> SshAsync(string ip, string command)
    {
        try
        {
            return await ProcessRunner.RunAsync("ip", ["netns", "exec", Outside, "ssh", "-i", _keyFile, "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "ConnectTimeout=8", "-o", "ServerAliveInterval=5", "-o", "ServerAliveCountMax=3",
                "-o", "LogLevel=ERROR", $"{DebianGuest.DefaultUser}@{ip}", command], stdin: "", timeout: TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException e)
        {
            return (124, "", e.Message);
        }
    }

    /// <summary>ssh until it succeeds or a minute passes (a new rule or a moved address takes a moment to reach the node).</summary>
    public async Task<(int Code, string Stdout, string Stderr)> SshUntilAsync(string ip, string command)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var result = await SshAsync(ip, command);
            if (result.Code == 0 || DateTime.UtcNow > deadline)
                return result;
            await Task.Delay(2000);
        }
    }

    private async Task<string> WaitForImageAsync(string name)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (true)
        {
            var images = await Ec2.DescribeImagesAsync(new DescribeImagesRequest { Filters = [new Filter("name", [name])] });
            if (images.Images is [{ } image])
                return image.ImageId;
            if (DateTime.UtcNow > deadline || Cloud.Process.HasExited)
                throw new TimeoutException($"up did not install the Debian guest:\n{Cloud.Process.Output}");
            await Task.Delay(1000);
        }
    }

    private async Task WaitForCloudInitAsync()
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var answer = await Ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = InstanceId });
            var console = answer.Output is { Length: > 0 } b64 ? Encoding.UTF8.GetString(Convert.FromBase64String(b64)) : "";
            if (console.Contains(" finished at ", StringComparison.Ordinal))
                return;
            if (watch.Elapsed > TimeSpan.FromMinutes(12))
                throw new TimeoutException($"cloud-init did not finish on {InstanceId}:\n{console}");
            await Task.Delay(3000);
        }
    }

    public async Task DisposeAsync()
    {
        if (Ec2 is not null && InstanceId.Length > 0)
            try
            {
                await Ec2.TerminateInstancesAsync(new TerminateInstancesRequest { InstanceIds = [InstanceId] });
            }
            catch (AmazonEC2Exception)
            {
            }
        Ec2?.Dispose();
        if (Cloud is not null)
            await Cloud.DisposeAsync();
        _keys.Dispose();
    }
}
