using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Identity;
using Ironbark.Common.Contracts.Kms;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Clc;
using Ironbark.Clc.Identity;
using Ironbark.Common.Data;
using Ironbark.Common.Pki;
using Ironbark.Nc;
using Ironbark.Testing;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Tests;

/// <summary>
/// Every internal gRPC server of the cloud, each on its own data directory with a copy of one cloud CA's PKI:
/// a Node Controller (fake hypervisor: the calls are the point, not the VMs), a Cluster Controller polling it, and a
/// Cloud Controller (its internal port serves identity.proto) without clusters.
/// </summary>
public sealed class RoleFixture : IAsyncLifetime
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(b => b, b => b);
    private readonly TempDir _dir = new();

    public CloudCertificates Pki { get; private set; } = null!;
    public NcServer Node { get; private set; } = null!;
    public CcServer Cluster { get; private set; } = null!;
    public ClcServer Controller { get; private set; } = null!;
    private Database? _identityDb;

    public async Task InitializeAsync()
    {
        Pki = new CloudCertificates(_dir.Combine("pki"));
        Pki.EnsureCreated();
        Node = await NcServer.StartAsync(new NcOptions
        {
            DataDir = CopyOfPki("nc"), Url = "https://127.0.0.1:0", NodeId = "node-roles", Hypervisor = "fake",
            QemuBinary = "/nonexistent/qemu", QemuImgBinary = "/nonexistent/qemu-img",
            // Never reached: no call in these tests gets as far as fetching an image.
            WalrusUrl = "http://127.0.0.1:9", AccessKeyId = "unused", SecretAccessKey = "unused", Cores = 2, MemoryMib = 1024,
        }, logging: Logging);
        Cluster = await StartClusterAsync("zone-roles", [Node.Endpoint.ToString()]);
        var clcDir = CopyOfPki("clc");
        _identityDb = new Database(DatabaseOptions.For(clcDir, "identity.db", null));
        var accounts = new AccountStore(_identityDb, SecretProtector.LoadOrCreate(Path.Combine(clcDir, "keys", "secrets.key")));
        await accounts.MigrateAsync();
        Controller = await ClcServer.StartAsync(new ClcOptions { DataDir = clcDir, Url = "http://127.0.0.1:0", InternalUrl = "https://127.0.0.1:0" },
            accounts, logging: Logging);
    }

    /// <summary>A new CC on a data directory of its own, polling <paramref name="nodes"/>.</summary>
    public Task<CcServer> StartClusterAsync(string zone, IReadOnlyList<string> nodes) => CcServer.StartAsync(new CcOptions
    {
        DataDir = CopyOfPki(zone), Url = "https://127.0.0.1:0", Cluster = zone, Nodes = nodes,
        PollInterval = TimeSpan.FromMilliseconds(300), PollTimeout = TimeSpan.FromSeconds(2),
    }, logging: Logging);

    /// <summary>The server that serves <paramref name="method"/> (<c>/package.Service/Method</c>) and the role its certificate names.</summary>
    public (Uri Endpoint, ComponentRole Role) Serving(string method) =>
        method.StartsWith($"/{NodeController.Descriptor.FullName}/", StringComparison.Ordinal) ? (Node.Endpoint, ComponentRole.Nc)
        : method.StartsWith($"/{ClusterController.Descriptor.FullName}/", StringComparison.Ordinal) ? (Cluster.Endpoint, ComponentRole.Cc)
        : method.StartsWith($"/{IdentityService.Descriptor.FullName}/", StringComparison.Ordinal) ? (Controller.InternalEndpoint, ComponentRole.Clc)
        : method.StartsWith($"/{KeyManagement.Descriptor.FullName}/", StringComparison.Ordinal) ? (Controller.InternalEndpoint, ComponentRole.Clc)
        : throw new ArgumentException($"No server of this fixture serves {method}.", nameof(method));

    /// <summary>A channel to the server of <paramref name="method"/>, as a client holding <paramref name="client"/>.</summary>
    public GrpcChannel Channel(string method, X509Certificate2 client)
    {
        var (endpoint, role) = Serving(method);
        return GrpcChannel.ForAddress(endpoint, new GrpcChannelOptions
        {
            HttpHandler = MutualTls.ClientHandler(client, Pki.LoadCa(), role), DisposeHttpClient = true,
        });
    }

    /// <summary>
    /// Calls <paramref name="method"/> with an empty request (a valid protobuf message of every type) as
    /// <paramref name="client"/>, and returns the status it ended with: whether the call was let through is the question.
    /// </summary>
    public async Task<Status> CallAsync(string method, X509Certificate2 client)
    {
        using var channel = Channel(method, client);
        var parts = method.Split('/');
        var call = new Method<byte[], byte[]>(MethodType.Unary, parts[1], parts[2], Bytes, Bytes);
        try
        {
            await channel.CreateCallInvoker().AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(20)), []);
            return Status.DefaultSuccess;
        }
        catch (RpcException e)
        {
            return e.Status;
        }
    }

    /// <summary>A data directory of its own holding a copy of the cloud's PKI, as on another host.</summary>
    public string CopyOfPki(string name) => TestCertificates.CopyPkiInto(Pki, _dir.Combine(name));

    private static void Logging(ILoggingBuilder l) => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Error);

    public async Task DisposeAsync()
    {
        try
        {
            if (Controller is not null)
            {
                await Controller.StopAsync();
                await Controller.DisposeAsync();
            }
            if (_identityDb is not null)
                await _identityDb.DisposeAsync();
            if (Cluster is not null)
            {
                await Cluster.StopAsync();
                await Cluster.DisposeAsync();
            }
            if (Node is not null)
            {
                await Node.StopAsync();
                await Node.DisposeAsync();
            }
        }
        finally
        {
            _dir.Dispose();
        }
    }
}
