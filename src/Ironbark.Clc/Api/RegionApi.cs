using System.Xml.Linq;
using Ironbark.Clc.Domain;
using Ironbark.Clc.Identity;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>
/// DescribeRegions (the cloud's one region) and DescribeAvailabilityZones (one per cluster; for the
/// cloud admin, ZoneName=verbose adds each zone's free and total room per instance type, as Eucalyptus did).
/// </summary>
public sealed class RegionApi(RegionDirectory region) : IEc2Actions
{
    private static readonly FilterSchema<(string Name, string Endpoint)> RegionFilters = new(new Dictionary<string, Func<(string Name, string Endpoint), IEnumerable<string?>>>
    {
        ["region-name"] = r => [r.Name],
        ["endpoint"] = r => [r.Endpoint],
        ["opt-in-status"] = _ => ["opt-in-not-required"],
    });

    private static readonly FilterSchema<AvailabilityZone> ZoneFilters = new(new Dictionary<string, Func<AvailabilityZone, IEnumerable<string?>>>
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

    private Task<IEnumerable<object?>> DescribeRegionsAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var names = p.List("RegionName");
        var filters = p.Filters();
        request.CheckDryRun();
        foreach (var name in names.Where(n => n != region.Region))
            throw Ec2Exception.InvalidParameterValue($"Invalid region: {name}");
        var regions = RegionFilters.Apply([(region.Region, region.Endpoint)], filters);
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
        var zones = region.Zones;
        foreach (var name in names.Where(n => zones.All(z => z.Name != n)))
            throw Ec2Exception.InvalidParameterValue($"Invalid availability zone: [{name}]");
        foreach (var id in ids.Where(n => zones.All(z => z.Id != n)))
            throw Ec2Exception.InvalidParameterValue($"Invalid availability zone ID: [{id}]");
        IEnumerable<AvailabilityZone> selected = names.Count + ids.Count > 0 ? zones.Where(z => names.Contains(z.Name) || ids.Contains(z.Id)) : zones;
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
    private async Task<IEnumerable<XElement>> CapacityLinesAsync(AvailabilityZone zone, CancellationToken ct)
    {
        static XElement Line(string name, string state) => E("item", E("zoneName", name), E("zoneState", state));
        var room = await region.RoomAsync(zone.Name, ct);
        return [Line("|- vm types", "free / max   cpu   ram  disk"), .. room.Select(r =>
            Line($"|- {r.Type.Name}", $"{r.Free:0000} / {r.Max:0000}   {r.Type.VCpus,3}  {r.Type.MemoryMiB,5}  {r.Type.RootDiskGiB,4}"))];
    }
}
