namespace Ironbark.Clc.Domain;

/// <summary>An account's default VPC with everything that comes with it: a default subnet per zone, main route table, internet gateway, DHCP options.</summary>
public sealed record DefaultVpc(Vpc Vpc, IReadOnlyList<Subnet> Subnets, RouteTable MainRouteTable, InternetGateway Gateway, DhcpOptions DhcpOptions)
{
    /// <summary>The default subnet of the zone, where an instance launched there lives; null for a zone the VPC has none in.</summary>
    public Subnet? SubnetIn(string zone) => Subnets.FirstOrDefault(s => s.DefaultForAz && s.Zone == zone);
}
