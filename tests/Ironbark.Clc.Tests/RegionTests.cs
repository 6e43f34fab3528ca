using Amazon.EC2.Model;

namespace Ironbark.Clc.Tests;

/// <summary>DescribeRegions and DescribeAvailabilityZones.</summary>
[Collection(SqliteClc.Name)]
public sealed class RegionTests(SqliteClcFixture f)
{
    [Fact]
    public async Task One_region_whose_endpoint_is_the_CLC()
    {
        var regions = await f.AliceEc2.DescribeRegionsAsync(new DescribeRegionsRequest());
        var region = Assert.Single(regions.Regions);
        Assert.Equal("ironbark", region.RegionName);
        Assert.Equal(f.Endpoint.ToString().TrimEnd('/'), region.Endpoint);

        var named = await f.AliceEc2.DescribeRegionsAsync(new DescribeRegionsRequest { RegionNames = ["ironbark"] });
        Assert.Single(named.Regions);
        var filtered = await f.AliceEc2.DescribeRegionsAsync(new DescribeRegionsRequest { Filters = [new Filter("region-name", ["us-*"])] });
        Assert.Empty(filtered.Regions ?? []);
        await Ec2Assert.FailsAsync("InvalidParameterValue", () => f.AliceEc2.DescribeRegionsAsync(new DescribeRegionsRequest { RegionNames = ["us-east-1"] }));
    }

    [Fact]
    public async Task The_configured_zones_are_available_and_filter_by_name_and_state()
    {
        var all = await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest());
        Assert.Equal(["ironbark-a", "ironbark-b"], all.AvailabilityZones.Select(z => z.ZoneName));
        Assert.All(all.AvailabilityZones, z =>
        {
            Assert.Equal("available", z.State.Value);
            Assert.Equal("ironbark", z.RegionName);
        });

        var b = await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { Filters = [new Filter("zone-name", ["*-b"])] });
        Assert.Equal("ironbark-b", Assert.Single(b.AvailabilityZones).ZoneName);
        var available = await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { Filters = [new Filter("state", ["available"])] });
        Assert.Equal(2, available.AvailabilityZones.Count);
        var impaired = await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { Filters = [new Filter("state", ["impaired"])] });
        Assert.Empty(impaired.AvailabilityZones ?? []);
        var named = await f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["ironbark-a"] });
        Assert.Equal("ironbark-a", Assert.Single(named.AvailabilityZones).ZoneName);

        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { ZoneNames = ["ironbark-z"] }));
        await Ec2Assert.FailsAsync("InvalidParameterValue",
            () => f.AliceEc2.DescribeAvailabilityZonesAsync(new DescribeAvailabilityZonesRequest { Filters = [new Filter("colour", ["red"])] }));
    }
}
