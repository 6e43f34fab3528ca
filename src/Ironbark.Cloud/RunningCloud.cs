using Ironbark.Common.Hosting;

namespace Ironbark.Cloud;

/// <summary>
/// The components of a <see cref="CloudComposition"/> that have started, in start order, and what the wiring between
/// them holds (clients one component uses to call another). Stopping stops them in reverse order, then frees the wiring.
/// </summary>
public sealed class RunningCloud : IAsyncDisposable
{
    // One place per component, in start order; a component stopped on its own (a test's node going down) leaves
    // its place empty until it is back.
    private readonly List<Place> _places = [];
    private readonly List<IDisposable> _wiring = [];
    private bool _stopped;

    /// <summary>The components running, in the order they started.</summary>
    public IEnumerable<IComponentServer> Components => _places.Select(p => p.Server).OfType<IComponentServer>();

    /// <summary>The running component of type <typeparamref name="T"/>, or null when this host runs none (or not now).</summary>
    public T? Find<T>() where T : class, IComponentServer => Components.OfType<T>().FirstOrDefault();

    /// <summary>Every running component of type <typeparamref name="T"/> (the NCs of a simulated cluster), in start order.</summary>
    public IReadOnlyList<T> FindAll<T>() where T : class, IComponentServer => [.. Components.OfType<T>()];

    public T Get<T>() where T : class, IComponentServer =>
        Find<T>() ?? throw new InvalidOperationException($"This cloud runs no {typeof(T).Name} now.");

    /// <summary>Keeps <paramref name="resource"/> until the cloud stops (a client a component calls another with).</summary>
    public T Owns<T>(T resource) where T : IDisposable
    {
        _wiring.Add(resource);
        return resource;
    }

    internal void Started(IComponentServer component) => _places.Add(new Place(component.GetType()) { Server = component });

    /// <summary>Stops the component of type <typeparamref name="T"/> (as when it goes down), leaving its place in the order empty.</summary>
    public Task StopOneAsync<T>(CancellationToken ct = default) where T : class, IComponentServer =>
        Find<T>() is { } server ? StopOneAsync(server, ct) : Task.CompletedTask;

    /// <summary>Stops <paramref name="server"/>, one of this cloud's components, leaving its place in the order empty.</summary>
    public async Task StopOneAsync(IComponentServer server, CancellationToken ct = default)
    {
        var place = _places.Find(p => ReferenceEquals(p.Server, server))
                    ?? throw new InvalidOperationException($"The {server.GetType().Name} at {server.Endpoint} is not running in this cloud.");
        place.Server = null;
        await server.StopAsync(ct);
        await server.DisposeAsync();
    }

    /// <summary>
    /// Puts a component started again (on the same state) back in the first empty place of its type; see
    /// <see cref="StopOneAsync{T}"/>. Returns it.
    /// </summary>
    public T Restarted<T>(T running) where T : class, IComponentServer
    {
        (_places.Find(p => p.Type == typeof(T) && p.Server is null)
         ?? throw new InvalidOperationException($"No {typeof(T).Name} of this cloud is stopped.")).Server = running;
        return running;
    }

    /// <summary>Stops every component, the last started first: callers before the components they call.</summary>
    public async Task StopAsync(CancellationToken ct = default)
    {
        if (_stopped)
            return;
        _stopped = true;
        // Every component gets its stop even when one before it fails to stop.
        var failures = new List<Exception>();
        for (var i = _places.Count - 1; i >= 0; i--)
        {
            if (_places[i].Server is not { } server)
                continue;
            _places[i].Server = null;
            try
            {
                await server.StopAsync(ct);
                await server.DisposeAsync();
            }
            catch (Exception e)
            {
                failures.Add(e);
            }
        }
        foreach (var resource in _wiring)
            resource.Dispose();
        if (failures.Count > 0)
            throw new AggregateException("Components failed to stop.", failures);
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    private sealed class Place(Type type)
    {
        public Type Type { get; } = type;
        public IComponentServer? Server { get; set; }
    }
}
