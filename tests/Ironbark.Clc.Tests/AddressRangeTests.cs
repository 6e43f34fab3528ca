using Ironbark.Clc.Domain;

namespace Ironbark.Clc.Tests;

/// <summary>The elastic IP pool's range (ClcOptions.ElasticIpRange) as an operator writes it, and what the CLC refuses to start with.</summary>
public sealed class AddressRangeTests
{
    [Fact]
    public void A_cidr_leaves_out_its_network_and_broadcast_addresses_and_a_range_keeps_both_ends()
    {
        var cidr = AddressRange.Parse("198.51.100.0/24");
        Assert.Equal(254, cidr.Count);
        Assert.Equal(("198.51.100.1", "198.51.100.254"), (cidr.Addresses().First(), cidr.Addresses().Last()));
        Assert.False(cidr.Contains("198.51.100.0"));
        Assert.False(cidr.Contains("198.51.100.255"));
        Assert.True(cidr.Contains("198.51.100.77"));
        var range = AddressRange.Parse("198.51.100.10-198.51.100.12");
        Assert.Equal(["198.51.100.10", "198.51.100.11", "198.51.100.12"], range.Addresses());
        Assert.Equal(["192.0.2.8"], AddressRange.Parse("192.0.2.8/32").Addresses());
        Assert.True(range.Overlaps(cidr));
        Assert.False(AddressRange.Parse("203.0.113.0/24").Overlaps(cidr));
    }

    [Theory]
    [InlineData("198.51.100.1/24")]
    [InlineData("198.51.100.0/33")]
    [InlineData("198.51.100.12-198.51.100.10")]
    [InlineData("2001:db8::/64")]
    [InlineData("pool")]
    [InlineData("")]
    public void A_range_that_is_not_one_is_refused_at_start(string text)
    {
        Assert.Throws<FormatException>(() => AddressRange.Parse(text));
        var options = new ClcOptions { DataDir = "/nonexistent", ElasticIpRange = text };
        Assert.Contains("ElasticIpRange", Assert.Throws<ArgumentException>(options.Validate).Message);
    }

    [Fact]
    public void A_negative_address_limit_is_refused_at_start() =>
        Assert.Throws<ArgumentException>(new ClcOptions { DataDir = "/nonexistent", MaxElasticIpsPerAccount = -1 }.Validate);
}
