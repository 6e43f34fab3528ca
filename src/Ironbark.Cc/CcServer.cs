using System.Net;
using Ironbark.Cc.Api;
using Ironbark.Cc.Domain;
using Ironbark.Cc.Drivers;
using Ironbark.Cc.Store;
using Ironbark.Common.Data;
using Ironbark.Common.Hosting;
using Ironbark.Common.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc;

/// <summary>
/// The Cluster Controller as a running service: gRPC over mutual TLS for the CLC, and the node
/// registry polling its NCs (as the CC's own certificate) in the background.
/// </summary>
public sealed class CcServer : IComponentServer
{
    private readonly WebApplication _app;
    private readonly FileStream _stateLock;

    private CcServer(WebApplication app, FileStream stateLock)
    {
        _app = app;
        _stateLock = stateLock;
    }

    public CcOptions Options => _app.Services.GetRequiredService<CcOptions>();

    public NodeRegistry Registry => _app.Services.GetRequiredService<NodeRegistry>();

    public InstancePlacer Placer => _app.Services.GetRequiredService<InstancePlacer>();

    /// <summary>The gRPC address (with the real port when 0 was asked for).</summary>
    public Uri Endpoint => ServiceHost.BoundAddress(_app, "https");

    public static async Task<CcServer> StartAsync(CcOptions options, CancellationToken ct = default, Action<ILoggingBuilder>? logging = null)
    {
        options.Validate();
        var pki = new CloudCertificates(Path.Combine(options.DataDir, "pki"));
        if (!pki.Exists)
            throw new InvalidOperationException($"No cloud CA in {pki.Directory}: run `ironbark init` first.");
        var ca = pki.LoadCa();
        var certificate = pki.Load(ComponentRole.Cc);
        var stateLock = DirectoryLock.Acquire(options.StateDir, "Cluster Controller");
        Database? db = null;
        try
        {
            db = new Database(DatabaseOptions.For(options.StateDir, "cc.db", options.PostgresConnectionString) with { SyncEveryCommit = true });
            await CcSchema.MigrateAsync(db, ct);
            var builder = ServiceHost.CreateBuilder(logging, LogLevel.Information);
            var url = new Uri(options.Url);
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.AddServerHeader = false;
                MutualTls.ListenGrpc(k, url, certificate, ca);
            });
            builder.Services.AddGrpc(RoleAuthorization.AddTo);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton(db);
            builder.Services.AddSingleton<InterfaceStore>();
            builder.Services.AddSingleton<SecurityGroupStore>();
            builder.Services.AddSingleton<ViewVersionStore>();
            builder.Services.AddSingleton<NetworkViewPublisher>();
            builder.Services.AddSingleton<ZoneNetwork>();
            builder.Services.AddSingleton<InstanceMap>();
            builder.Services.AddSingleton(_ => new NodeClient(options, certificate, ca)); // a factory, so the container disposes it
            builder.Services.AddSingleton<NodeRegistry>();
            builder.Services.AddSingleton<InstancePlacer>();
            builder.Services.AddSingleton<InstanceForwarder>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<NodeRegistry>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<NetworkViewPublisher>());

            var app = builder.Build();
            app.MapGrpcService<ClusterControllerApi>();
            // One round before serving, so the first DescribeResources already tells who answers and a restarted
            // CC knows every instance its nodes run before it takes a call about one.
            await app.Services.GetRequiredService<NodeRegistry>().PollAsync(ct);
            await app.StartAsync(ct);
            return new CcServer(app, stateLock);
        }
        catch
        {
            if (db is not null)
                await db.DisposeAsync();
            await stateLock.DisposeAsync();
            throw;
        }
    }

    public Task StopAsync(CancellationToken ct = default) => _app.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        var db = _app.Services.GetRequiredService<Database>();
        await _app.DisposeAsync();
        await db.DisposeAsync();
        await _stateLock.DisposeAsync();
    }
}
