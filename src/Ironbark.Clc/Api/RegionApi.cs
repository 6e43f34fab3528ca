using System.Xml.Linq;
using Ironbark.Clc.Domain;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Identity;
using Ironbark.Common.Contracts.Cc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>
/// DescribeRegions (the cloud's one region) and DescribeAvailabilityZones (one per cluster; for the
/// cloud admin, ZoneName=verbose adds each zone's free and total room per instance type, as Eucalyptus did).
/// </summary>
public sealed class RegionApi(ClcOptions options, IServer server, ClusterClient clusters) : IEc2Actions
{
    private sealed record Zone(string Name, string Id, string State, string Region);

    private static readonly FilterSchema<(string Name, string Endpoint)> RegionFilters = new(new Dictionary<string, Func<(string Name, string Endpoint), IEnumerable<string?>>>
    {
        ["region-name"] = r => [r.Name],
        ["endpoint"] = r => [r.Endpoint],
        ["opt-in-status"] = _ => ["opt-in-not-required"],
    });

    private static readonly FilterSchema<Zone> ZoneFilters = new(new Dictionary<string, Func<Zone, IEnumerable<string?>>>
    {
        ["zone-name"] = z => [z.Name],
        ["zone-id"] = z => [z.Id],
        ["state"] = z => [z.State],
        ["region-name"] = z => [z.Region],
        ["zone-type"] = _ => ["availability-zone"],
        ["opt-in-status"] = _ => ["opt-in-not-required"],
        ["group-name"] = z => [z.Region],
    });

    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("DescribeRegions", DescribeRegionsAsync),
        new("DescribeAvailabilityZones", DescribeAvailabilityZonesAsync),
    ];

    /// <summary>Where clients reach this CLC: the advertised URL, else the address it listens on.</summary>
    private string Endpoint => (options.AdvertisedUrl ?? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Url).TrimEnd('/');

    private Task<IEnumerable<object?>> DescribeRegionsAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var names = p.List("RegionName");
        var filters = p.Filters();
        request.CheckDryRun();
        foreach (var name in names.Where(n => n != options.Region))
            throw Ec2Exception.InvalidParameterValue($"Invalid region: {name}");
        var regions = RegionFilters.Apply([(options.Region, Endpoint)], filters);
        return Task.FromResult<IEnumerable<object?>>([Items("regionInfo", regions, r => [
            E("regionName", r.Name), E("regionEndpoint", r.Endpoint), E("optInStatus", "opt-in-not-required")])]);
    }

    private async Task<IEnumerable<object?>> DescribeAvailabilityZonesAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var names = p.List("ZoneName");
        var verbose = names.Contains("verbose");
        names = names.Where(n => n != "verbose").ToList();
        var ids = p.List("ZoneId");
        var filters = p.Filters();
        request.CheckDryRun();
        var zones = options.AvailabilityZones.Select((name, i) => new Zone(name, $"{options.Region}-az{i + 1}", "available", options.Region)).ToList();
        foreach (var name in names.Where(n => zones.All(z => z.Name != n)))
            throw Ec2Exception.InvalidParameterValue($"Invalid availability zone: [{name}]");
        foreach (var id in ids.Where(n => zones.All(z => z.Id != n)))
            throw Ec2Exception.InvalidParameterValue($"Invalid availability zone ID: [{id}]");
        IEnumerable<Zone> selected = names.Count + ids.Count > 0 ? zones.Where(z => names.Contains(z.Name) || ids.Contains(z.Id)) : zones;
        var items = new List<XElement>();
        foreach (var z in ZoneFilters.Apply(selected, filters))
        {
            items.Add(E("item", E("zoneName", z.Name), E("zoneState", z.State), E("regionName", z.Region), E("messageSet"), E("zoneId", z.Id),
                E("zoneType", "availability-zone"), E("optInStatus", "opt-in-not-required"), E("groupName", z.Region),
                E("networkBorderGroup", z.Region)));
            if (verbose && request.Caller.Account.Name == Account.AdminName)
                items.AddRange(await CapacityLinesAsync(z, ct));
        }
        return [E("availabilityZoneInfo", items.ToArray<object?>())];
    }

    /// <summary>Eucalyptus's verbose listing: a header, then per instance type "free / max  cpu  ram  disk" over the zone's nodes that answer.</summary>
    private async Task<IEnumerable<XElement>> CapacityLinesAsync(Zone zone, CancellationToken ct)
    {
        IReadOnlyList<NodeResources> nodes = [];
        if (clusters.Serves(zone.Name))
        {
            try
            {
                nodes = [.. (await clusters.DescribeResourcesAsync(zone.Name, ct)).Nodes.Where(n => n.State == "up")];
            }
            catch (ClusterException)
            {
                // A cluster that does not answer has no room to offer.
            }
        }
        static XElement Line(string name, string state) => E("item", E("zoneName", name), E("zoneState", state));
        return [Line("|- vm types", "free / max   cpu   ram  disk"), .. options.InstanceTypes.Select(t =>
        {
            var free = nodes.Sum(n => Math.Min(n.CoresFree / t.VCpus, n.MemoryMibFree / t.MemoryMiB));
            var max = nodes.Sum(n => Math.Min(n.CoresTotal / t.VCpus, n.MemoryMibTotal / t.MemoryMiB));
            return Line($"|- {t.Name}", $"{free:0000} / {max:0000}   {t.VCpus,3}  {t.MemoryMiB,5}  {t.RootDiskGiB,4}");
        })];
    }
}
