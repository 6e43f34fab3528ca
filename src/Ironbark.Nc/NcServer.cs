using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;
using Ironbark.Common.Hosting;
using Ironbark.Common.Pki;
using Ironbark.Nc.Api;
using Ironbark.Nc.Domain;
using Ironbark.Nc.Drivers;
using Ironbark.Nc.Drivers.Fake;
using Ironbark.Nc.Drivers.Network;
using Ironbark.Nc.Drivers.Network.Vpc;
using Ironbark.Nc.Drivers.Qemu;
using Ironbark.Nc.Images;
using Ironbark.Nc.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc;

/// <summary>
/// The Node Controller as a running service: gRPC over mutual TLS for the CC, and the metadata
/// service for its VMs on a unix socket. Stopping it leaves the VMs running; the next start
/// finds them again.
/// </summary>
public sealed class NcServer : IComponentServer
{
    private readonly WebApplication _app;
    private readonly FileStream _stateLock;

    private NcServer(WebApplication app, FileStream stateLock)
    {
        _app = app;
        _stateLock = stateLock;
    }

    public InstanceManager Instances => _app.Services.GetRequiredService<InstanceManager>();

    /// <summary>The gRPC address (with the real port when 0 was asked for).</summary>
    public Uri Endpoint => ServiceHost.BoundAddress(_app, "https");

    /// <param name="hypervisor">
    /// The VM driver the composition chose; when null, the one <see cref="NcOptions.Hypervisor"/> names (QEMU, with
    /// the acceleration probe, or the fake driver).
    /// </param>
    public static async Task<NcServer> StartAsync(NcOptions options, CancellationToken ct = default, Action<ILoggingBuilder>? logging = null,
        IHypervisor? hypervisor = null)
    {
        options.Validate();
        var pki = new CloudCertificates(Path.Combine(options.DataDir, "pki"));
        if (!pki.Exists)
            throw new InvalidOperationException($"No cloud CA in {pki.Directory}: run `ironbark init` first.");
        var ca = pki.LoadCa();
        var certificate = pki.Load(ComponentRole.Nc);
        var stateLock = DirectoryLock.Acquire(options.StateDir, "Node Controller");
        try
        {
            return new NcServer(await StartAsync(options, hypervisor, certificate, ca, ct, logging), stateLock);
        }
        catch
        {
            // A start that fails (a KVM probe, a port in use) must not keep the state directory from the next one.
            await stateLock.DisposeAsync();
            throw;
        }
    }

    private static async Task<WebApplication> StartAsync(NcOptions options, IHypervisor? hypervisor, X509Certificate2 certificate,
        X509Certificate2 ca, CancellationToken ct, Action<ILoggingBuilder>? logging)
    {
        File.Delete(options.MetadataSocket);
        // A given driver has decided for itself, and the fake one emulates nothing: only QEMU is probed.
        var (acceleration, why) = hypervisor is not null ? (hypervisor.Acceleration, "the driver's own")
            : options.Hypervisor == "fake" ? ("none", "fake hypervisor, scale simulation only")
            : await AccelerationProbe.DecideAsync(options.Acceleration, options.QemuBinary, options.ProbeKernel, ct);
        var builder = ServiceHost.CreateBuilder(logging, LogLevel.Information);
        var url = new Uri(options.Url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            MutualTls.ListenGrpc(k, url, certificate, ca);
            k.ListenUnixSocket(options.MetadataSocket, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.AddGrpc(RoleAuthorization.AddTo);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IAmazonS3>(new AmazonS3Client(new BasicAWSCredentials(options.AccessKeyId, options.SecretAccessKey),
            new AmazonS3Config { ServiceURL = options.WalrusUrl, ForcePathStyle = true, AuthenticationRegion = "ironbark" }));
        builder.Services.AddSingleton(sp => new ImageCache(sp.GetRequiredService<IAmazonS3>(), options.ImagesDir, options.ImageCacheBytes,
            sp.GetRequiredService<ILogger<ImageCache>>()));
        builder.Services.AddSingleton(new NodeResources(options.Cores > 0 ? options.Cores : Environment.ProcessorCount,
            options.MemoryMib > 0 ? options.MemoryMib : NodeResources.HostMemoryMib(), options.CpuOvercommit, options.MemoryOvercommit));
        builder.Services.AddSingleton<IHypervisor>(sp => hypervisor ?? (options.Hypervisor == "fake" ? new FakeHypervisor()
            : new QemuHypervisor(options.QemuBinary, options.QemuImgBinary, acceleration, sp.GetRequiredService<ILogger<QemuHypervisor>>())));
        builder.Services.AddSingleton<INetworkDriver>(new UserNetworkDriver(options.MetadataSocket));
        if (options.Network == "vpc")
            builder.Services.AddSingleton<INetworkDriver>(sp => new VpcNetworkDriver(options, sp.GetRequiredService<ILogger<VpcNetworkDriver>>(),
                (socket, vni) => VpcMetadataServer.StartAsync(socket, vni, sp.GetRequiredService<MetadataApi>())));
        builder.Services.AddSingleton<InstanceManager>();
        builder.Services.AddSingleton<MetadataApi>();

        var app = builder.Build();
        app.Services.GetRequiredService<ILogger<NcServer>>().LogInformation("Hypervisor {Hypervisor}, acceleration: {Acceleration} ({Why})",
            app.Services.GetRequiredService<IHypervisor>().Name, acceleration, why);
        var metadata = app.Services.GetRequiredService<MetadataApi>();
        app.UseWhen(http => http.Features.Get<IConnectionSocketFeature>()?.Socket.AddressFamily == AddressFamily.Unix,
            branch => branch.Run(metadata.HandleAsync));
        app.MapGrpcService<NodeControllerApi>();
        await app.Services.GetRequiredService<InstanceManager>().RecoverAsync(ct);
        await app.StartAsync(ct);
        return app;
    }

    /// <summary>Stops serving; running VMs are left running, to be found again at the next start.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        await _app.StopAsync(ct);
        await Instances.DetachAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _stateLock.DisposeAsync();
    }
}
