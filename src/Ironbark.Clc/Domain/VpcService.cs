using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Describing an account's VPC resources (the default VPC and what comes with it) by id and filter; each id must be
/// well formed and the account's, with EC2's Malformed and NotFound codes.
/// </summary>
public sealed class VpcService(DefaultVpcService vpcs, NetworkInterfaceStore interfaces)
{
    public async Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters, CancellationToken ct) =>
        VpcFilters.Vpcs.Apply(Chosen([(await vpcs.CurrentAsync(accountId, ct)).Vpc], ids, v => v.VpcId, Vpc.IdPrefix, "InvalidVpcID.Malformed", VpcNotFound),
            filters);

    /// <summary>The account's subnets, each with the addresses its interfaces hold taken off its available count, as AWS counts them.</summary>
    public async Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters, CancellationToken ct)
    {
        var subnets = (await vpcs.CurrentAsync(accountId, ct)).Subnets;
        var used = await interfaces.CountBySubnetAsync(accountId, ct);
        foreach (var subnet in subnets)
            subnet.InterfaceCount = used.GetValueOrDefault(subnet.SubnetId);
        return VpcFilters.Subnets.Apply(Chosen(subnets, ids, s => s.SubnetId, Subnet.IdPrefix, "InvalidSubnetID.Malformed", SubnetNotFound), filters);
    }

    public async Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters,
        CancellationToken ct) =>
        VpcFilters.RouteTables.Apply(Chosen([(await vpcs.CurrentAsync(accountId, ct)).MainRouteTable], ids, t => t.RouteTableId, RouteTable.IdPrefix,
            "InvalidRouteTableId.Malformed", id => new Ec2Exception("InvalidRouteTableID.NotFound", $"The routeTable ID '{id}' does not exist")), filters);

    public async Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters,
        CancellationToken ct) =>
        VpcFilters.InternetGateways.Apply(Chosen([(await vpcs.CurrentAsync(accountId, ct)).Gateway], ids, g => g.InternetGatewayId, InternetGateway.IdPrefix,
            "InvalidInternetGatewayId.Malformed", id => new Ec2Exception("InvalidInternetGatewayID.NotFound", $"The internetGateway ID '{id}' does not exist")),
            filters);

    public async Task<IReadOnlyList<DhcpOptions>> DescribeDhcpOptionsAsync(string accountId, IReadOnlyList<string> ids, IReadOnlyList<Filter> filters,
        CancellationToken ct) =>
        VpcFilters.DhcpOptions.Apply(Chosen([(await vpcs.CurrentAsync(accountId, ct)).DhcpOptions], ids, d => d.DhcpOptionsId, DhcpOptions.IdPrefix,
            "InvalidDhcpOptionsId.Malformed", id => new Ec2Exception("InvalidDhcpOptionID.NotFound", $"The dhcpOption ID '{id}' does not exist")), filters);

    /// <summary>DescribeVpcAttribute: DNS resolution and DNS host names are on in the default VPC, as on AWS.</summary>
    public async Task<bool> AttributeAsync(string accountId, string vpcId, string attribute, CancellationToken ct)
    {
        await DescribeVpcsAsync(accountId, [vpcId], [], ct);
        return attribute switch
        {
            "enableDnsSupport" or "enableDnsHostnames" => true,
            "enableNetworkAddressUsageMetrics" => false,
            _ => throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute."),
        };
    }

    public static Ec2Exception VpcNotFound(string id) =>
        ResourceId.IsValid(id, Vpc.IdPrefix)
            ? new Ec2Exception("InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist")
            : new Ec2Exception("InvalidVpcID.Malformed", $"Invalid id: \"{id}\" (expecting \"vpc-...\")");

    public static Ec2Exception SubnetNotFound(string id) =>
        ResourceId.IsValid(id, Subnet.IdPrefix)
            ? new Ec2Exception("InvalidSubnetID.NotFound", $"The subnet ID '{id}' does not exist")
            : new Ec2Exception("InvalidSubnetID.Malformed", $"Invalid id: \"{id}\" (expecting \"subnet-...\")");

    /// <summary>The items with these ids (all of them when none is given); every id must be well formed and one of the items.</summary>
    private static IEnumerable<T> Chosen<T>(IReadOnlyList<T> items, IReadOnlyList<string> ids, Func<T, string> idOf, string prefix, string malformed,
        Func<string, Ec2Exception> notFound)
    {
        if (ids.Count == 0)
            return items;
        foreach (var id in ids)
        {
            if (!ResourceId.IsValid(id, prefix))
                throw new Ec2Exception(malformed, $"Invalid id: \"{id}\" (expecting \"{prefix}-...\")");
            if (items.All(i => idOf(i) != id))
                throw notFound(id);
        }
        return items.Where(i => ids.Contains(idOf(i)));
    }
}
