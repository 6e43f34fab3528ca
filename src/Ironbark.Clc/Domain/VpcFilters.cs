namespace Ironbark.Clc.Domain;

/// <summary>The filters AWS documents for DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeInternetGateways and DescribeDhcpOptions.</summary>
public static class VpcFilters
{
    private static string Bool(bool value) => value ? "true" : "false";

    public static readonly FilterSchema<Vpc> Vpcs = new(new Dictionary<string, Func<Vpc, IEnumerable<string?>>>
    {
        ["vpc-id"] = v => [v.VpcId],
        ["cidr"] = v => [v.CidrBlock],
        ["cidr-block-association.cidr-block"] = v => [v.CidrBlock],
        ["cidr-block-association.association-id"] = v => [v.CidrAssociationId],
        ["cidr-block-association.state"] = _ => ["associated"],
        ["dhcp-options-id"] = v => [v.DhcpOptionsId],
        ["is-default"] = v => [Bool(v.IsDefault)],
        // The older camel-case name, which Ansible's ec2_instance still sends.
        ["isDefault"] = v => [Bool(v.IsDefault)],
        ["owner-id"] = v => [v.AccountId],
        ["state"] = v => [v.State],
        ["ipv6-cidr-block-association.ipv6-cidr-block"] = _ => [],
        ["ipv6-cidr-block-association.ipv6-pool"] = _ => [],
        ["ipv6-cidr-block-association.association-id"] = _ => [],
        ["ipv6-cidr-block-association.state"] = _ => [],
    }, v => v.Tags);

    public static readonly FilterSchema<Subnet> Subnets = new(new Dictionary<string, Func<Subnet, IEnumerable<string?>>>
    {
        ["subnet-id"] = s => [s.SubnetId],
        ["subnet-arn"] = s => [s.Arn],
        ["vpc-id"] = s => [s.VpcId],
        ["availability-zone"] = s => [s.Zone],
        ["availabilityZone"] = s => [s.Zone],
        ["availability-zone-id"] = s => [s.ZoneId],
        ["availabilityZoneId"] = s => [s.ZoneId],
        ["available-ip-address-count"] = s => [s.AvailableIpAddressCount.ToString(System.Globalization.CultureInfo.InvariantCulture)],
        ["cidr-block"] = s => [s.CidrBlock],
        ["cidr"] = s => [s.CidrBlock],
        ["cidrBlock"] = s => [s.CidrBlock],
        ["default-for-az"] = s => [Bool(s.DefaultForAz)],
        ["defaultForAz"] = s => [Bool(s.DefaultForAz)],
        ["map-public-ip-on-launch"] = s => [Bool(s.MapPublicIpOnLaunch)],
        ["map-customer-owned-ip-on-launch"] = _ => ["false"],
        ["enable-dns64"] = _ => ["false"],
        ["ipv6-native"] = _ => ["false"],
        ["owner-id"] = s => [s.AccountId],
        ["state"] = s => [s.State],
        ["private-dns-name-options-on-launch.hostname-type"] = _ => ["ip-name"],
        ["private-dns-name-options-on-launch.enable-resource-name-dns-a-record"] = _ => ["false"],
        ["private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record"] = _ => ["false"],
        ["ipv6-cidr-block-association.ipv6-cidr-block"] = _ => [],
        ["ipv6-cidr-block-association.association-id"] = _ => [],
        ["ipv6-cidr-block-association.state"] = _ => [],
    }, s => s.Tags);

    public static readonly FilterSchema<RouteTable> RouteTables = new(new Dictionary<string, Func<RouteTable, IEnumerable<string?>>>
    {
        ["route-table-id"] = t => [t.RouteTableId],
        ["vpc-id"] = t => [t.VpcId],
        ["owner-id"] = t => [t.AccountId],
        ["association.main"] = t => [Bool(t.IsMain)],
        ["association.route-table-association-id"] = t => [t.MainAssociationId],
        ["association.route-table-id"] = t => t.IsMain ? [t.RouteTableId] : [],
        ["association.subnet-id"] = _ => [],
        ["association.gateway-id"] = _ => [],
        ["route.destination-cidr-block"] = t => t.Routes.Select(r => r.DestinationCidrBlock),
        ["route.gateway-id"] = t => t.Routes.Select(r => r.GatewayId),
        ["route.origin"] = t => t.Routes.Select(r => r.Origin),
        ["route.state"] = t => t.Routes.Select(r => r.State),
        ["route.destination-ipv6-cidr-block"] = _ => [],
        ["route.destination-prefix-list-id"] = _ => [],
        ["route.egress-only-internet-gateway-id"] = _ => [],
        ["route.instance-id"] = _ => [],
        ["route.nat-gateway-id"] = _ => [],
        ["route.transit-gateway-id"] = _ => [],
        ["route.vpc-peering-connection-id"] = _ => [],
    }, t => t.Tags);

    public static readonly FilterSchema<InternetGateway> InternetGateways = new(new Dictionary<string, Func<InternetGateway, IEnumerable<string?>>>
    {
        ["internet-gateway-id"] = g => [g.InternetGatewayId],
        ["owner-id"] = g => [g.AccountId],
        ["attachment.vpc-id"] = g => [g.VpcId],
        ["attachment.state"] = g => [g.AttachmentState],
    }, g => g.Tags);

    public static readonly FilterSchema<DhcpOptions> DhcpOptions = new(new Dictionary<string, Func<DhcpOptions, IEnumerable<string?>>>
    {
        ["dhcp-options-id"] = d => [d.DhcpOptionsId],
        ["owner-id"] = d => [d.AccountId],
        ["key"] = d => d.Configuration.Select(c => c.Key),
        ["value"] = d => d.Configuration.SelectMany(c => c.Values),
    }, d => d.Tags);
}
