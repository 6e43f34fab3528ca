using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Ironbark.Walrus.Tests;

/// <summary>
/// Virtual-hosted-style addressing (bucket.s3.ironbark.localhost) reaches the same buckets and keys as
/// path-style. The names need no DNS: the SDK's connections are dialled to Walrus on loopback.
/// </summary>
public abstract class AddressingTests(WalrusFixture f)
{
    private const string Domain = "s3.ironbark.localhost";
    private int Port => f.Host.Endpoint.Port;

    /// <summary>Connects every request to Walrus on loopback whatever its host name, and records the host names used.</summary>
    private sealed class LoopbackHttpClientFactory(int port) : HttpClientFactory
    {
        public ConcurrentQueue<string> Hosts { get; } = new();

        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var sockets = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(IPAddress.Loopback, port, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            return new HttpClient(new Recorder(Hosts) { InnerHandler = sockets });
        }

        private sealed class Recorder(ConcurrentQueue<string> hosts) : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
            {
                hosts.Enqueue(request.RequestUri!.Host);
                return base.SendAsync(request, ct);
            }
        }
    }

    private (AmazonS3Client Client, LoopbackHttpClientFactory Factory) VirtualHostedClient()
    {
        var factory = new LoopbackHttpClientFactory(Port);
        var client = f.Host.Client(f.Alice, c =>
        {
            c.ServiceURL = $"http://{Domain}:{Port}";
            c.ForcePathStyle = false;
            c.HttpClientFactory = factory;
        });
        return (client, factory);
    }

    [Fact]
    public async Task The_sdk_in_virtual_hosted_style_sees_what_path_style_sees()
    {
        var bucket = WalrusFixture.NewBucketName("vh");
        await f.AliceS3.PutBucketAsync(bucket);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "from/path style.txt", "path");
        var (client, factory) = VirtualHostedClient();
        using (client)
        {
            Assert.Equal("path", await S3Expect.ReadAsync(client, bucket, "from/path style.txt"));
            await S3Expect.PutTextAsync(client, bucket, "from/virtual host.txt", "virtual");
            var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "from/" });
            Assert.Equal(["from/path style.txt", "from/virtual host.txt"], listed.S3Objects.Select(o => o.Key));
            await client.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "from/virtual host.txt", ACL = S3CannedACL.PublicRead });
            await client.DeleteObjectAsync(bucket, "from/path style.txt");
        }
        Assert.All(factory.Hosts, h => Assert.Equal($"{bucket}.{Domain}", h));
        Assert.NotEmpty(factory.Hosts);

        Assert.Equal("virtual", await S3Expect.ReadAsync(f.Anonymous, bucket, "from/virtual host.txt"));
        var remaining = await f.AliceS3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal(["from/virtual host.txt"], remaining.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task Raw_requests_with_a_bucket_host_name_are_signed_and_served()
    {
        var bucket = WalrusFixture.NewBucketName("vh");
        await f.AliceS3.PutBucketAsync(bucket);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "a/b c.txt", "same object");
        var host = $"{bucket}.{Domain}:{Port}";
        using var alice = new RawS3Client(f.Host.Endpoint, f.Alice);

        using (var get = await alice.SendAsync(HttpMethod.Get, "/a/b%20c.txt", host: host))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("same object", await get.Content.ReadAsStringAsync());
        }
        using (var put = await alice.SendAsync(HttpMethod.Put, "/written", body: "by host"u8.ToArray(), host: host))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal("by host", await S3Expect.ReadAsync(f.AliceS3, bucket, "written"));

        using (var list = await alice.SendAsync(HttpMethod.Get, "/", [("list-type", "2")], host: host))
        {
            var xml = XElement.Parse(await list.Content.ReadAsStringAsync());
            Assert.Equal(bucket, xml.Elements().First(e => e.Name.LocalName == "Name").Value);
            Assert.Equal(["a/b c.txt", "written"], xml.Elements().Where(e => e.Name.LocalName == "Contents")
                .Select(c => c.Elements().First(e => e.Name.LocalName == "Key").Value));
        }
        // The bare domain is path-style.
        using (var pathOnDomain = await alice.SendAsync(HttpMethod.Get, $"/{bucket}/written", host: $"{Domain}:{Port}"))
            Assert.Equal("by host", await pathOnDomain.Content.ReadAsStringAsync());
        // Bob and anonymous callers meet the same access rules by either address.
        using var bob = new RawS3Client(f.Host.Endpoint, f.Bob);
        using (var denied = await bob.SendAsync(HttpMethod.Get, "/written", host: host))
            await S3Expect.RawErrorAsync(denied, HttpStatusCode.Forbidden, "AccessDenied");
        using var anonymous = new RawS3Client(f.Host.Endpoint, null);
        using (var anonymousDenied = await anonymous.SendAsync(HttpMethod.Get, "/written", host: host))
            await S3Expect.RawErrorAsync(anonymousDenied, HttpStatusCode.Forbidden, "AccessDenied");
        using (var missing = await alice.SendAsync(HttpMethod.Get, "/k", host: $"{WalrusFixture.NewBucketName("none")}.{Domain}:{Port}"))
            await S3Expect.RawErrorAsync(missing, HttpStatusCode.NotFound, "NoSuchBucket");
    }

    [Fact]
    public async Task SigV2_with_a_bucket_host_name_signs_the_bucket_in_the_resource()
    {
        var bucket = WalrusFixture.NewBucketName("vh");
        await f.AliceS3.PutBucketAsync(bucket);
        await S3Expect.PutTextAsync(f.AliceS3, bucket, "k", "v2 by host");
        var expires = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300;
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(f.Alice.SecretAccessKey),
            Encoding.UTF8.GetBytes($"GET\n\n\n{expires}\n/{bucket}/k")));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get,
            new Uri(f.Host.Endpoint, $"/k?AWSAccessKeyId={f.Alice.AccessKeyId}&Expires={expires}&Signature={Uri.EscapeDataString(signature)}"));
        request.Headers.Host = $"{bucket}.{Domain}:{Port}";
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("v2 by host", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteAddressingTests(SqliteWalrusFixture f) : AddressingTests(f), IClassFixture<SqliteWalrusFixture>;
