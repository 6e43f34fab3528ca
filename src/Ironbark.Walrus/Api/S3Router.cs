using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Api;

/// <summary>Maps a request (target, method, sub-resource) to its operation through <see cref="S3Routes"/>.</summary>
public sealed class S3Router(S3Apis apis, CorsApi corsApi)
{
    public Task PreflightAsync(HttpContext http, S3Address address) => corsApi.PreflightAsync(http, address);

    public async Task DispatchAsync(S3Request r)
    {
        if (r.Target != S3Target.Service)
            await corsApi.DecorateAsync(r);
        await S3Routes.Find(r.Target, r.Request.Method, r.QueryView.Selector).Run(apis, r);
    }
}
