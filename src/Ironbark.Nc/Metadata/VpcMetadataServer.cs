using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Metadata;

/// <summary>
/// The metadata service of one VPC namespace: a Kestrel on a socket that listens at 169.254.169.254:80 inside the
/// namespace (created there, see NamespaceSocket), answering with the node's <see cref="MetadataApi"/>.
/// </summary>
public sealed class VpcMetadataServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private VpcMetadataServer(WebApplication app) => _app = app;

    public static async Task<IAsyncDisposable> StartAsync(Socket listening, uint vni, MetadataApi metadata)
    {
        // Kestrel takes ownership of the descriptor it is given: give it a duplicate and close ours.
        var fd = Dup((int)listening.SafeHandle.DangerousGetHandle());
        listening.Dispose();
        if (fd < 0)
            throw new IOException($"dup of the metadata socket failed: errno {Marshal.GetLastPInvokeError()}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.ListenHandle((ulong)fd, listen => listen.Protocols = HttpProtocols.Http1);
        });
        var app = builder.Build();
        app.Run(http => metadata.HandleInVpcAsync(http, vni));
        await app.StartAsync();
        return new VpcMetadataServer(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [DllImport("libc", EntryPoint = "dup", SetLastError = true)]
    private static extern int Dup(int fd);
}
