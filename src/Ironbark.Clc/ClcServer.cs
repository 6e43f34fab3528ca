using Ironbark.Clc.Api;
using Ironbark.Clc.Domain;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Ironbark.Clc.Identity;
using Ironbark.Clc.Keys;
using Ironbark.Common.Auth;
using Ironbark.Common.Data;
using Ironbark.Common.Hosting;
using Ironbark.Common.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc;

/// <summary>
/// The Cloud Controller as a running web service: the EC2 Query API (and STS) on its own port and the internal
/// gRPC API (identity.proto, mutual TLS) on another, over its own database, until stopped. The host (`ironbark clc` or `ironbark up`) owns its lifetime.
/// </summary>
public sealed class ClcServer : IComponentServer
{
    private readonly WebApplication _app;
    private readonly WebApplication _internal;
    private readonly Database _db;
    private readonly FileStream _lock;

    private ClcServer(WebApplication app, WebApplication internalApi, Database db, FileStream directoryLock)
    {
        _app = app;
        _internal = internalApi;
        _db = db;
        _lock = directoryLock;
    }

    /// <summary>The address the EC2 API listens on (with the real port when 0 was asked for).</summary>
    public Uri Endpoint => ServiceHost.BoundAddress(_app);

    /// <summary>The address of the internal gRPC API (identity.proto), with the real port.</summary>
    public Uri InternalEndpoint => ServiceHost.BoundAddress(_internal, "https");

    public IServiceProvider Services => _app.Services;

    public static async Task<ClcServer> StartAsync(ClcOptions options, AccountStore accounts, CancellationToken ct = default,
        Action<ILoggingBuilder>? logging = null)
    {
        options.Validate();
        // One CLC per state: a second one on the same data directory must touch nothing.
        var directoryLock = DirectoryLock.Acquire(Path.Combine(options.DataDir, "clc"), "CLC");
        var db = new Database(DatabaseOptions.For(options.DataDir, "clc.db", options.PostgresConnectionString));
        try
        {
            await ClcSchema.MigrateAsync(db, ct);
            var keys = KeyService.Over(db, accounts, options.Region);
            var internalApi = BuildInternal(options, accounts, keys, logging);
            await internalApi.StartAsync(ct);
            try
            {
                var app = Build(options, accounts, keys, db, logging);
                await app.StartAsync(ct);
                return new ClcServer(app, internalApi, db, directoryLock);
            }
            catch
            {
                await internalApi.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await db.DisposeAsync();
            await directoryLock.DisposeAsync();
            throw;
        }
    }

    /// <summary>The internal API: its own Kestrel, so mutual TLS and gRPC never share a port with the public EC2 API.</summary>
    private static WebApplication BuildInternal(ClcOptions options, AccountStore accounts, KeyService keys, Action<ILoggingBuilder>? logging)
    {
        var pki = new CloudCertificates(Path.Combine(options.DataDir, "pki"));
        if (!pki.Exists)
            throw new InvalidOperationException($"No cloud CA in {pki.Directory}: run `ironbark init` first.");
        var certificate = pki.Load(ComponentRole.Clc);
        var ca = pki.LoadCa();
        var builder = ServiceHost.CreateBuilder(logging);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            MutualTls.ListenGrpc(k, new Uri(options.InternalUrl), certificate, ca);
        });
        builder.Services.AddGrpc(RoleAuthorization.AddTo);
        builder.Services.AddSingleton<ICredentialSource>(accounts);
        builder.Services.AddSingleton(keys);
        var app = builder.Build();
        app.MapGrpcService<IdentityApi>();
        app.MapGrpcService<KeyManagementApi>();
        return app;
    }

    private static WebApplication Build(ClcOptions options, AccountStore accounts, KeyService keys, Database db, Action<ILoggingBuilder>? logging)
    {
        var builder = ServiceHost.CreateBuilder(logging);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // Query requests are small; the largest is user data (16 KiB) base64-encoded among other parameters.
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            k.AddServerHeader = false;
        });
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(accounts);
        services.AddSingleton<ICredentialSource>(accounts);
        services.AddSingleton(db);
        services.AddSingleton(keys);
        services.AddSingleton(options.Signing);
        services.AddSingleton(sp => new RequestAuthenticator(accounts, sp.GetRequiredService<TimeProvider>(), options.Signing, options.Region));
        services.AddSingleton<QuerySignatureV2>();
        services.AddSingleton<KeyPairStore>();
        services.AddSingleton<SecurityGroupStore>();
        services.AddSingleton<VpcStore>();
        services.AddSingleton<DefaultVpcService>();
        services.AddSingleton<VpcService>();
        services.AddSingleton<KeyPairService>();
        services.AddSingleton<SecurityGroupService>();
        services.AddSingleton<TagStore>();
        services.AddSingleton<TagService>();
        services.AddSingleton<ImageStore>();
        services.AddSingleton<WalrusManifestReader>();
        services.AddSingleton<ImageService>();
        services.AddSingleton<ClusterClient>();
        services.AddSingleton<InstanceStore>();
        services.AddSingleton<InstanceDispatcher>();
        services.AddSingleton<InstanceLaunchService>();
        services.AddSingleton<InstanceService>();
        services.AddSingleton<InstanceReconciler>();
        services.AddSingleton<NetworkInterfaceStore>();
        services.AddSingleton<AddressStore>();
        services.AddSingleton<InterfaceDataPlane>();
        services.AddSingleton<SecurityGroupPublisher>();
        services.AddSingleton<LaunchNetworking>();
        services.AddSingleton<NetworkInterfaceService>();
        services.AddSingleton<AddressService>();
        services.AddHostedService(sp => sp.GetRequiredService<InstanceReconciler>());
        services.AddHostedService(sp => sp.GetRequiredService<SecurityGroupPublisher>());
        services.AddSingleton(sp => new RegionDirectory(options, sp.GetRequiredService<ClusterClient>(),
            () => sp.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()));
        services.AddSingleton<IEc2Actions, RegionApi>();
        services.AddSingleton<IEc2Actions, InstanceTypeApi>();
        services.AddSingleton<IEc2Actions, KeyPairApi>();
        services.AddSingleton<IEc2Actions, SecurityGroupApi>();
        services.AddSingleton<IEc2Actions, VpcApi>();
        services.AddSingleton<IEc2Actions, AccountAttributeApi>();
        services.AddSingleton<IEc2Actions, TagApi>();
        services.AddSingleton<IEc2Actions, ImageApi>();
        services.AddSingleton<IEc2Actions, InstanceApi>();
        services.AddSingleton<IEc2Actions, NetworkInterfaceApi>();
        services.AddSingleton<IEc2Actions, AddressApi>();
        services.AddSingleton<Ec2Router>();
        services.AddSingleton<Ec2Endpoint>();
        services.AddSingleton<StsEndpoint>();
        services.AddSingleton<KmsApi>();
        services.AddSingleton<KmsEndpoint>();

        var app = builder.Build();
        var ec2 = app.Services.GetRequiredService<Ec2Endpoint>();
        var sts = app.Services.GetRequiredService<StsEndpoint>();
        var kms = app.Services.GetRequiredService<KmsEndpoint>();
        app.Run(http => StsEndpoint.Claims(http.Request) ? sts.HandleAsync(http)
            : KmsEndpoint.Claims(http.Request) ? kms.HandleAsync(http)
            : ec2.HandleAsync(http));
        return app;
    }

    public async Task StopAsync(CancellationToken ct = default)
    {
        await _app.StopAsync(ct);
        await _internal.StopAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _internal.DisposeAsync();
        await _db.DisposeAsync();
        await _lock.DisposeAsync();
    }
}
