namespace Ironbark.Common.Hosting;

/// <summary>A component running as a web service on this host: where it answers, and how it stops.</summary>
public interface IComponentServer : IAsyncDisposable
{
    /// <summary>The address its main API listens on (with the real port when 0 was asked for).</summary>
    Uri Endpoint { get; }

    /// <summary>Stops serving (gracefully: requests in flight finish); <see cref="IAsyncDisposable.DisposeAsync"/> then frees its state.</summary>
    Task StopAsync(CancellationToken ct = default);
}
