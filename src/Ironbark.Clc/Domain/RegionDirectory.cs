using Ironbark.Clc.Drivers;

namespace Ironbark.Clc.Domain;

/// <summary>
/// The cloud's one region: where clients reach the CLC, its availability zones (one per cluster), and the room
/// each zone's nodes have per instance type (Eucalyptus's verbose zone listing).
/// </summary>
/// <param name="listeningAt">The address the CLC's server listens on, asked each time: with port 0 it is known only once the server started.</param>
public sealed class RegionDirectory(ClcOptions options, ClusterClient clusters, Func<string?> listeningAt)
{
    public string Region => options.Region;

    /// <summary>Where clients reach this CLC: the advertised URL, else the address it listens on.</summary>
    public string Endpoint => (options.AdvertisedUrl ?? listeningAt() ?? options.Url).TrimEnd('/');

    /// <summary>The configured zones in their order; every one is available.</summary>
    public IReadOnlyList<AvailabilityZone> Zones { get; } =
        options.AvailabilityZones.Select((name, i) => new AvailabilityZone(name, $"{options.Region}-az{i + 1}", "available", options.Region)).ToList();

    /// <summary>Per instance type, the room on the zone's nodes that are up; a zone whose cluster does not answer has none.</summary>
    public async Task<IReadOnlyList<TypeRoom>> RoomAsync(string zone, CancellationToken ct)
    {
        IReadOnlyList<NodeCapacity> nodes = [];
        if (clusters.Serves(zone))
        {
            try
            {
                nodes = [.. (await clusters.DescribeResourcesAsync(zone, ct)).Nodes.Where(n => n.Up)];
            }
            catch (ClusterException)
            {
                // A cluster that does not answer has no room to offer.
            }
        }
        return options.InstanceTypes.Select(t => new TypeRoom(t,
            nodes.Sum(n => Math.Min(n.CoresFree / t.VCpus, n.MemoryMibFree / t.MemoryMiB)),
            nodes.Sum(n => Math.Min(n.CoresTotal / t.VCpus, n.MemoryMibTotal / t.MemoryMiB)))).ToList();
    }
}
