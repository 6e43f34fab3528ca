using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ironbark.Common.Hosting;

/// <summary>What every component's web service starts from: a slim ASP.NET Core host with one-line console logs.</summary>
public static class ServiceHost
{
    /// <param name="logging">Replaces the default logging (one-line console at <paramref name="level"/>), e.g. for tests.</param>
    public static WebApplicationBuilder CreateBuilder(Action<ILoggingBuilder>? logging, LogLevel level = LogLevel.Warning)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (logging is not null)
            logging(builder.Logging);
        else
            // Not a line per request: the CC polls its NCs every few seconds.
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(level)
                .AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        return builder;
    }

    /// <summary>The address a started service is bound to (the real port when 0 was asked for).</summary>
    public static Uri BoundAddress(WebApplication app, string scheme = "http") =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => a.StartsWith(scheme + "://", StringComparison.Ordinal)));
}
