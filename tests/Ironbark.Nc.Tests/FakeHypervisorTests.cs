using System.Security.Cryptography;
using Amazon.S3.Model;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The fake driver, for scale simulation: several NCs in one process, each with its own data
/// directory and port, launching "VMs" that run nothing but go through the node's real code.
/// </summary>
public sealed class FakeHypervisorTests : IAsyncLifetime
{
    private const string Bucket = "images";
    private static readonly byte[] Blob = RandomNumberGenerator.GetBytes(4096);
    private readonly TempDir _dir = new();
    private readonly List<NcServer> _nodes = [];
    private WalrusHost _walrus = null!;
    private CloudCertificates _pki = null!;

    public async Task InitializeAsync()
    {
        _walrus = await WalrusHost.StartAsync();
        var key = await _walrus.CreateAccountAsync("node");
        using (var s3 = _walrus.Client(key))
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "blob", InputStream = new MemoryStream(Blob) });
        }
        _pki = new CloudCertificates(_dir.Combine("pki"));
        _pki.EnsureCreated();
        for (var i = 0; i < 3; i++)
        {
            var dataDir = TestCertificates.CopyPkiInto(_pki, _dir.Combine($"nc{i}"));
            _nodes.Add(await NcServer.StartAsync(new NcOptions
            {
                DataDir = dataDir, Url = "https://127.0.0.1:0", NodeId = $"fake-{i}", Hypervisor = "fake",
                QemuBinary = "/nonexistent/qemu", QemuImgBinary = "/nonexistent/qemu-img", // proves nothing of QEMU is needed
                WalrusUrl = _walrus.Endpoint.ToString(), AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey,
                Cores = 4, MemoryMib = 1024, CpuOvercommit = 1.0,
            }, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)));
        }
    }

    [Fact]
    public async Task Many_fake_nodes_in_one_process_launch_describe_and_terminate()
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Blob));
        foreach (var node in _nodes)
        {
            using var channel = GrpcChannel.ForAddress(node.Endpoint,
                new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(_pki.Load(ComponentRole.Cc), _pki.LoadCa(), ComponentRole.Nc) });
            var client = new NodeController.NodeControllerClient(channel);
            var description = await client.DescribeNodeAsync(new DescribeNodeRequest());
            Assert.Equal(("fake", "none"), (description.Hypervisor, description.Acceleration));

            var ids = Enumerable.Range(0, 4).Select(_ => NcFixture.NewInstanceId()).ToList();
            var image = new ImageRef { Id = "blob", Bucket = Bucket, Key = "blob", Sha256 = sha };
            foreach (var id in ids)
            {
                var status = await client.RunInstanceAsync(new RunInstanceRequest { InstanceId = id, Cores = 1, MemoryMib = 256, Kernel = image, RootDisk = image });
                Assert.Equal(("running", "running", 0), (status.State, status.PowerState, status.Pid));
            }
            // Capacity is the node's real accounting: 4 cores without overcommit are taken, and the answer names who holds them
            // (the CC subtracts a launch it placed from the free capacity only when it is not named).
            var full = await client.DescribeNodeAsync(new DescribeNodeRequest());
            Assert.Equal(0, full.CoresFree);
            Assert.Equal(ids.Order(), full.HeldInstanceIds.Order());

            var console = await client.GetConsoleOutputAsync(new InstanceRef { InstanceId = ids[0] });
            Assert.Contains($"FAKE-BOOT instance-id={ids[0]}", console.Output.ToStringUtf8());
            await client.RebootInstanceAsync(new InstanceRef { InstanceId = ids[0] });

            var terminated = await client.TerminateInstanceAsync(new InstanceRef { InstanceId = ids[0] });
            Assert.Equal(("terminated", "shutdown"), (terminated.State, terminated.PowerState));
            var after = await client.DescribeNodeAsync(new DescribeNodeRequest());
            Assert.Equal(1, after.CoresFree);
            Assert.Equal(ids.Skip(1).Order(), after.HeldInstanceIds.Order());
            Assert.Equal(4, (await client.DescribeInstancesAsync(new DescribeInstancesRequest())).Instances.Count);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.StopAsync();
            await node.DisposeAsync();
        }
        await _walrus.DisposeAsync();
        _dir.Dispose();
    }
}
