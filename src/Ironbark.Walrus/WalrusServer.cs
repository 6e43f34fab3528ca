using System.Text;
using Ironbark.Common.Auth;
using Ironbark.Common.Data;
using Ironbark.Common.Hosting;
using Ironbark.Common.Keys;
using Ironbark.Walrus.Api;
using Ironbark.Walrus.Backends;
using Ironbark.Walrus.Domain;
using Ironbark.Walrus.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ironbark.Walrus;

/// <summary>
/// Walrus as a running web service: recovers the object store, then serves S3 on its own port
/// until stopped. The host (`ironbark walrus` or `ironbark up`) owns its lifetime.
/// </summary>
public sealed class WalrusServer : IComponentServer
{
    private readonly WebApplication _app;
    private readonly Database _db;
    private readonly IObjectStore _blobs;

    private WalrusServer(WebApplication app, Database db, IObjectStore blobs)
    {
        _app = app;
        _db = db;
        _blobs = blobs;
    }

    /// <summary>The address Walrus listens on (with the real port when 0 was asked for).</summary>
    public Uri Endpoint => ServiceHost.BoundAddress(_app);

    public IServiceProvider Services => _app.Services;

    /// <summary>Where object bytes go unless the composition chooses otherwise: files under DATA/walrus.</summary>
    public static IObjectStore DefaultObjectStore(WalrusOptions options) => new FileObjectStore(options.ObjectDir);

    /// <param name="credentials">
    /// Who holds an access key and who an account is: the CLC's identity service (<see cref="Drivers.IdentityClient"/>)
    /// in every deployment; tests of Walrus alone may hand in the CLC's account store itself.
    /// </param>
    /// <param name="objectStore">
    /// Makes the store for object bytes (<see cref="DefaultObjectStore"/> when null); Walrus owns what it returns and
    /// disposes it at the end. A test passes a store on a disk that fails on purpose.
    /// </param>
    /// <param name="keys">The cloud's key service for SSE-KMS (the CLC's, over gRPC); null where there is none to ask.</param>
    public static async Task<WalrusServer> StartAsync(WalrusOptions options, ICredentialSource credentials, CancellationToken ct = default,
        Action<ILoggingBuilder>? logging = null, Func<WalrusOptions, IObjectStore>? objectStore = null, IKeyService? keys = null)
    {
        options.Validate();
        // Owning the object directory comes first: a second Walrus on the same data must touch nothing.
        var blobs = (objectStore ?? DefaultObjectStore)(options);
        try
        {
            return await StartAsync(options, credentials, blobs, ct, logging, keys);
        }
        catch
        {
            (blobs as IDisposable)?.Dispose();
            throw;
        }
    }

    private static async Task<WalrusServer> StartAsync(WalrusOptions options, ICredentialSource credentials, IObjectStore blobs, CancellationToken ct,
        Action<ILoggingBuilder>? logging, IKeyService? keys)
    {
        // Every commit is fsynced: metadata names blobs, and small objects' bytes are in it (docs/walrus.md, "Storage that does not lose data").
        var db = new Database(DatabaseOptions.For(options.DataDir, "walrus.db", options.PostgresConnectionString) with { SyncEveryCommit = true });
        var store = new WalrusStore(db);
        await store.MigrateAsync(ct);
        var referenced = await store.ReferencedBlobsAsync(ct);
        await blobs.RecoverAsync(referenced.Contains, ct);

        var builder = ServiceHost.CreateBuilder(logging);
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            k.Limits.MinRequestBodyDataRate = null;
            // Bodies are consumed in 1 MiB chunks as they arrive; a smaller per-connection read-ahead than
            // Kestrel's 1 MiB keeps a burst of concurrent uploads from leaving its pinned buffers resident.
            k.Limits.MaxRequestBufferSize = 256 * 1024;
            k.AddServerHeader = false;
            // S3 takes UTF-8 in header values (x-amz-meta-*: café); Kestrel would refuse non-ASCII bytes with a bare 400.
            k.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
            k.ResponseHeaderEncodingSelector = _ => Encoding.UTF8;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(credentials);
        if (keys is not null)
            services.AddSingleton(keys);
        services.AddSingleton(store);
        services.AddSingleton(new CompletedUploadStore(store.Database));
        services.AddSingleton<IObjectStore>(blobs);
        services.AddSingleton(sp => new RequestAuthenticator(credentials, sp.GetRequiredService<TimeProvider>(), options.Signing, options.Region));
        services.AddSingleton<BucketService>();
        services.AddSingleton<ObjectService>();
        services.AddSingleton<CompletedUploads>();
        services.AddSingleton<Encryption.MasterKey>();
        services.AddSingleton<Encryption.SseService>();
        services.AddSingleton<BucketEncryptionApi>();
        services.AddSingleton<MultipartService>();
        services.AddSingleton<ObjectLockStore>();
        services.AddSingleton<ObjectLockService>();
        services.AddSingleton<LifecycleSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<LifecycleSweeper>());
        services.AddSingleton<DisplayNames>();
        services.AddSingleton<BucketApi>();
        services.AddSingleton<ObjectApi>();
        services.AddSingleton<ListApi>();
        services.AddSingleton<MultipartApi>();
        services.AddSingleton<AclApi>();
        services.AddSingleton<BucketConfigApi>();
        services.AddSingleton<PublicAccessApi>();
        services.AddSingleton<PostObjectApi>();
        services.AddSingleton<CorsApi>();
        services.AddSingleton<UnsetConfigurationApi>();
        services.AddSingleton<ObjectLockApi>();
        services.AddSingleton<OwnershipControlsApi>();
        services.AddSingleton<S3Apis>();
        services.AddSingleton<S3Router>();
        services.AddSingleton<S3Endpoint>();

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<S3Endpoint>();
        app.Run(endpoint.HandleAsync);
        await app.StartAsync(ct);
        return new WalrusServer(app, db, blobs);
    }

    public async Task StopAsync(CancellationToken ct = default) => await _app.StopAsync(ct);

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _db.DisposeAsync();
        (_blobs as IDisposable)?.Dispose();
    }
}
