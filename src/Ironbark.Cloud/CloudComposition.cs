using Ironbark.Common.Hosting;

namespace Ironbark.Cloud;

/// <summary>
/// The components one host runs, each an entry that starts it from what started before it (its options may
/// name their addresses). <see cref="StartAsync"/> starts them in the order added and a <see cref="RunningCloud"/>
/// stops them in reverse, so the order added is the order of dependence: Walrus, NC, CC, CLC for a whole cloud.
/// </summary>
public sealed class CloudComposition
{
    private readonly List<Func<RunningCloud, CancellationToken, Task<IComponentServer>>> _entries = [];

    /// <summary>Adds a component; <paramref name="start"/> sees the components started before it.</summary>
    public CloudComposition Add<T>(Func<RunningCloud, CancellationToken, Task<T>> start) where T : IComponentServer
    {
        _entries.Add(async (cloud, ct) => await start(cloud, ct));
        return this;
    }

    /// <summary>Starts every component in order; when one fails to start, stops those already started (in reverse) and throws.</summary>
    public async Task<RunningCloud> StartAsync(CancellationToken ct = default)
    {
        var cloud = new RunningCloud();
        try
        {
            foreach (var start in _entries)
                cloud.Started(await start(cloud, ct));
            return cloud;
        }
        catch
        {
            await cloud.DisposeAsync();
            throw;
        }
    }
}
