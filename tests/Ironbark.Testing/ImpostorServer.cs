using System.Security.Cryptography.X509Certificates;
using Ironbark.Common.Hosting;
using Ironbark.Common.Pki;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ironbark.Testing;

/// <summary>
/// A gRPC server on loopback that serves <typeparamref name="TService"/> over the cloud's mutual TLS while
/// presenting whatever certificate a test gives it (Walrus's where an NC is expected): what a client must refuse.
/// </summary>
public sealed class ImpostorServer<TService> : IAsyncDisposable where TService : class
{
    private readonly WebApplication _app;

    private ImpostorServer(WebApplication app) => _app = app;

    public Uri Endpoint => ServiceHost.BoundAddress(_app, "https");

    /// <summary>The service instance that answers, to ask what it was called with.</summary>
    public TService Service => _app.Services.GetRequiredService<TService>();

    public static async Task<ImpostorServer<TService>> StartAsync(TService service, X509Certificate2 certificate, X509Certificate2 ca)
    {
        var builder = ServiceHost.CreateBuilder(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        builder.WebHost.ConfigureKestrel(k => MutualTls.ListenGrpc(k, new Uri("https://127.0.0.1:0"), certificate, ca));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        return new ImpostorServer<TService>(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
