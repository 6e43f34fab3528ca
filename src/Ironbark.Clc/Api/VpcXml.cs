using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>VPCs, subnets, route tables, internet gateways and DHCP options as EC2 writes them.</summary>
public static class VpcXml
{
    public static IEnumerable<object?> Vpc(Vpc v) =>
    [
        E("vpcId", v.VpcId), E("ownerId", v.AccountId), E("state", v.State), E("cidrBlock", v.CidrBlock),
        Items("cidrBlockAssociationSet", [v], a => [E("cidrBlock", a.CidrBlock), E("associationId", a.CidrAssociationId), E("cidrBlockState", E("state", "associated"))]),
        E("ipv6CidrBlockAssociationSet"), E("dhcpOptionsId", v.DhcpOptionsId), TagSet(v.Tags), E("instanceTenancy", "default"), E("isDefault", Bool(v.IsDefault)),
    ];

    public static IEnumerable<object?> Subnet(Subnet s) =>
    [
        E("subnetId", s.SubnetId), E("subnetArn", s.Arn), E("ownerId", s.AccountId), E("state", s.State), E("vpcId", s.VpcId), E("cidrBlock", s.CidrBlock),
        E("ipv6CidrBlockAssociationSet"), E("availableIpAddressCount", s.AvailableIpAddressCount), E("availabilityZone", s.Zone),
        Optional("availabilityZoneId", s.ZoneId), E("defaultForAz", Bool(s.DefaultForAz)), E("mapPublicIpOnLaunch", Bool(s.MapPublicIpOnLaunch)),
        E("mapCustomerOwnedIpOnLaunch", "false"), E("assignIpv6AddressOnCreation", "false"), E("enableDns64", "false"), E("ipv6Native", "false"),
        E("privateDnsNameOptionsOnLaunch", E("hostnameType", "ip-name"), E("enableResourceNameDnsARecord", "false"), E("enableResourceNameDnsAAAARecord", "false")),
        TagSet(s.Tags),
    ];

    public static IEnumerable<object?> RouteTable(RouteTable t) =>
    [
        E("routeTableId", t.RouteTableId), E("vpcId", t.VpcId), E("ownerId", t.AccountId),
        Items("routeSet", t.Routes, r => [E("destinationCidrBlock", r.DestinationCidrBlock), E("gatewayId", r.GatewayId), E("state", r.State), E("origin", r.Origin)]),
        Items<RouteTable>("associationSet", t.IsMain ? [t] : [], a => [
            E("routeTableAssociationId", a.MainAssociationId), E("routeTableId", a.RouteTableId), E("main", "true"), E("associationState", E("state", "associated"))]),
        E("propagatingVgwSet"), TagSet(t.Tags),
    ];

    public static IEnumerable<object?> InternetGateway(InternetGateway g) =>
    [
        E("internetGatewayId", g.InternetGatewayId), E("ownerId", g.AccountId),
        Items<InternetGateway>("attachmentSet", g.VpcId is null ? [] : [g], a => [E("vpcId", a.VpcId), E("state", a.AttachmentState)]), TagSet(g.Tags),
    ];

    public static IEnumerable<object?> DhcpOptions(DhcpOptions d) =>
    [
        E("dhcpOptionsId", d.DhcpOptionsId), E("ownerId", d.AccountId),
        Items("dhcpConfigurationSet", d.Configuration, c => [E("key", c.Key), Items("valueSet", c.Values, v => [E("value", v)])]), TagSet(d.Tags),
    ];
}
