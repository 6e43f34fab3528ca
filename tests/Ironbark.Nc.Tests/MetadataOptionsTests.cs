using System.Security.Cryptography;
using Amazon.S3.Model;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Tests;

/// <summary>
/// The node's side of the instance metadata options, on one NC with the fake driver (nothing boots): launched with,
/// modified over gRPC as the CC calls it, reported in the instance status, and enforced by the metadata service
/// for requests that come in as that VM's forwarder sends them.
/// </summary>
public sealed class MetadataOptionsTests : IAsyncLifetime
{
    private const string Bucket = "images";
    private const string InstanceIdPath = "/latest/meta-data/instance-id";
    private static readonly byte[] Blob = RandomNumberGenerator.GetBytes(1024);
    private readonly TempDir _dir = new();
    private WalrusHost _walrus = null!;
    private NcServer _node = null!;
    private NcOptions _options = null!;
    private GrpcChannel _channel = null!;
    private NodeController.NodeControllerClient _client = null!;

    public async Task InitializeAsync()
    {
        _walrus = await WalrusHost.StartAsync();
        var key = await _walrus.CreateAccountAsync("node");
        using (var s3 = _walrus.Client(key))
        {
            await s3.PutBucketAsync(Bucket);
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "blob", InputStream = new MemoryStream(Blob) });
        }
        var pki = new CloudCertificates(_dir.Combine("pki"));
        pki.EnsureCreated();
        _options = new NcOptions
        {
            DataDir = _dir.Path, Url = "https://127.0.0.1:0", NodeId = "fake-md", Hypervisor = "fake",
            WalrusUrl = _walrus.Endpoint.ToString(), AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey, Cores = 4, MemoryMib = 1024,
        };
        _node = await NcServer.StartAsync(_options, logging: l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        _channel = GrpcChannel.ForAddress(_node.Endpoint, new GrpcChannelOptions { HttpHandler = MutualTls.ClientHandler(pki.Load(ComponentRole.Cc), pki.LoadCa(), ComponentRole.Nc) });
        _client = new NodeController.NodeControllerClient(_channel);
    }

    private async Task<string> LaunchAsync(MetadataOptions? options)
    {
        var image = new ImageRef { Id = "blob", Bucket = Bucket, Key = "blob", Sha256 = Convert.ToHexStringLower(SHA256.HashData(Blob)) };
        var id = NcFixture.NewInstanceId();
        var status = await _client.RunInstanceAsync(new RunInstanceRequest
        {
            InstanceId = id, Cores = 1, MemoryMib = 64, Kernel = image, RootDisk = image, MetadataOptions = options,
        });
        Assert.Equal("running", status.State);
        return id;
    }

    private Task<InstanceStatus> ModifyAsync(string id, string tokens = "", int hops = 0, string endpoint = "") =>
        _client.ModifyInstanceMetadataOptionsAsync(new ModifyInstanceMetadataOptionsRequest
        {
            InstanceId = id, MetadataOptions = new MetadataOptions { HttpTokens = tokens, HttpPutResponseHopLimit = hops, HttpEndpoint = endpoint },
        }).ResponseAsync;

    private static async Task RefusedAsync(StatusCode status, string code, Func<Task> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal((status, code), (e.StatusCode, e.Trailers.GetValue("ironbark-error-code")));
    }

    [Fact]
    public async Task Defaults_answer_IMDSv1_and_IMDSv2_and_refuse_a_token_PUT_through_a_proxy()
    {
        var id = await LaunchAsync(null);
        var reported = (await _client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = { id } })).Instances[0].MetadataOptions;
        Assert.Equal(("optional", 1, "enabled"), (reported.HttpTokens, reported.HttpPutResponseHopLimit, reported.HttpEndpoint));
        var probe = new MetadataProbe(_options.MetadataSocket, id);
        Assert.Equal((200, id), await probe.GetAsync(InstanceIdPath));
        var (status, token) = await probe.PutTokenAsync();
        Assert.Equal(200, status);
        Assert.Equal((200, id), await probe.GetAsync(InstanceIdPath, token));
        Assert.Equal(401, (await probe.GetAsync(InstanceIdPath, "forged")).Status);
        Assert.Equal(403, (await probe.PutTokenAsync(forwardedFor: "198.51.100.1")).Status);
        // Another instance's forwarder gets nothing of this one.
        Assert.Equal(403, (await new MetadataProbe(_options.MetadataSocket, NcFixture.NewInstanceId()).GetAsync(InstanceIdPath)).Status);
    }

    [Fact]
    public async Task Dated_API_versions_are_answered_as_latest_the_way_cloud_init_asks()
    {
        var id = await LaunchAsync(null);
        var probe = new MetadataProbe(_options.MetadataSocket, id);
        Assert.Equal((200, id), await probe.GetAsync("/2009-04-04/meta-data/instance-id"));
        var (_, token) = await probe.PutTokenAsync();
        Assert.Equal((200, id), await probe.GetAsync("/2021-03-23/meta-data/instance-id", token));
        Assert.Contains("local-hostname", (await probe.GetAsync("/2021-03-23/meta-data/", token)).Body.Split('\n'));
        Assert.Equal(404, (await probe.GetAsync("/2021-03-23/user-data", token)).Status); // launched without user data
        // Only a whole dated segment is a version.
        Assert.Equal(404, (await probe.GetAsync("/2021-3-23/meta-data/instance-id")).Status);
        Assert.Equal(404, (await probe.GetAsync("/2021-03-230/meta-data/instance-id")).Status);
    }

    [Fact]
    public async Task Modified_options_are_enforced_at_once_persisted_and_validated()
    {
        var id = await LaunchAsync(new MetadataOptions { HttpTokens = "required", HttpPutResponseHopLimit = 2 });
        var probe = new MetadataProbe(_options.MetadataSocket, id);
        Assert.Equal(401, (await probe.GetAsync(InstanceIdPath)).Status);
        Assert.Equal(401, (await probe.GetAsync("/latest/user-data")).Status);
        var (_, token) = await probe.PutTokenAsync();
        Assert.Equal((200, id), await probe.GetAsync(InstanceIdPath, token));

        var status = await ModifyAsync(id, "optional", 5, "disabled");
        Assert.Equal(("optional", 5, "disabled"), (status.MetadataOptions.HttpTokens, status.MetadataOptions.HttpPutResponseHopLimit, status.MetadataOptions.HttpEndpoint));
        Assert.Equal(403, (await probe.GetAsync(InstanceIdPath)).Status);
        Assert.Equal(403, (await probe.GetAsync(InstanceIdPath, token)).Status);
        Assert.Equal(403, (await probe.PutTokenAsync()).Status);
        var file = Path.Combine(_options.InstancesDir, id, "metadata-options.json");
        Assert.Contains("disabled", await File.ReadAllTextAsync(file));

        status = await ModifyAsync(id); // every field empty: EC2's defaults
        Assert.Equal(("optional", 1, "enabled"), (status.MetadataOptions.HttpTokens, status.MetadataOptions.HttpPutResponseHopLimit, status.MetadataOptions.HttpEndpoint));
        Assert.Equal((200, id), await probe.GetAsync(InstanceIdPath));

        await RefusedAsync(StatusCode.InvalidArgument, "InvalidParameterValue", () => ModifyAsync(id, tokens: "maybe"));
        await RefusedAsync(StatusCode.InvalidArgument, "InvalidParameterValue", () => ModifyAsync(id, hops: 65));
        await RefusedAsync(StatusCode.InvalidArgument, "InvalidParameterValue", () => ModifyAsync(id, endpoint: "off"));
        await RefusedAsync(StatusCode.InvalidArgument, "InvalidParameterValue",
            () => LaunchAsync(new MetadataOptions { HttpPutResponseHopLimit = -1 }));
        await RefusedAsync(StatusCode.NotFound, "InvalidInstanceID.NotFound", () => ModifyAsync(NcFixture.NewInstanceId(), "required"));
        Assert.Equal((200, id), await probe.GetAsync(InstanceIdPath)); // nothing changed by the refused calls

        await _client.TerminateInstanceAsync(new InstanceRef { InstanceId = id });
        await RefusedAsync(StatusCode.InvalidArgument, "IncorrectInstanceState", () => ModifyAsync(id, "required"));
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _node.StopAsync();
        await _node.DisposeAsync();
        await _walrus.DisposeAsync();
        _dir.Dispose();
    }
}
