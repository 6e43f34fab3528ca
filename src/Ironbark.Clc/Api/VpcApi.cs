using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>
/// The default VPC and what comes with it: DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeInternetGateways,
/// DescribeDhcpOptions, DescribeVpcAttribute and CreateDefaultVpc. Calls that would make or change other networks are refused
/// until custom VPCs exist (docs/vpc.md).
/// </summary>
public sealed class VpcApi(VpcService vpcs, DefaultVpcService defaults) : IEc2Actions
{
    /// <summary>The calls of custom VPCs: refused, as no network but the default VPC exists yet.</summary>
    private static readonly string[] CustomNetworkActions =
    [
        "CreateVpc", "DeleteVpc", "CreateSubnet", "DeleteSubnet", "CreateRouteTable", "DeleteRouteTable", "CreateRoute", "DeleteRoute", "ReplaceRoute",
        "AssociateRouteTable", "DisassociateRouteTable", "ReplaceRouteTableAssociation", "CreateInternetGateway", "DeleteInternetGateway",
        "AttachInternetGateway", "DetachInternetGateway", "CreateDhcpOptions", "DeleteDhcpOptions", "AssociateDhcpOptions", "ModifyVpcAttribute",
        "ModifySubnetAttribute", "AssociateVpcCidrBlock", "DisassociateVpcCidrBlock",
    ];

    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("DescribeVpcs", (r, ct) => DescribeAsync(r, "VpcId", "vpcSet", 1000, vpcs.DescribeVpcsAsync, v => v.VpcId, VpcXml.Vpc, ct)),
        new("DescribeSubnets", (r, ct) => DescribeAsync(r, "SubnetId", "subnetSet", 1000, vpcs.DescribeSubnetsAsync, s => s.SubnetId, VpcXml.Subnet, ct)),
        new("DescribeRouteTables", (r, ct) => DescribeAsync(r, "RouteTableId", "routeTableSet", 100, vpcs.DescribeRouteTablesAsync, t => t.RouteTableId,
            VpcXml.RouteTable, ct)),
        new("DescribeInternetGateways", (r, ct) => DescribeAsync(r, "InternetGatewayId", "internetGatewaySet", 1000, vpcs.DescribeInternetGatewaysAsync,
            g => g.InternetGatewayId, VpcXml.InternetGateway, ct)),
        new("DescribeDhcpOptions", (r, ct) => DescribeAsync(r, "DhcpOptionsId", "dhcpOptionsSet", 1000, vpcs.DescribeDhcpOptionsAsync, d => d.DhcpOptionsId,
            VpcXml.DhcpOptions, ct)),
        new("DescribeVpcAttribute", DescribeAttributeAsync),
        new("CreateDefaultVpc", CreateDefaultAsync),
        .. CustomNetworkActions.Select(action => new KeyValuePair<string, Ec2Handler>(action, Refuse)),
    ];

    private static async Task<IEnumerable<object?>> DescribeAsync<T>(Ec2Request request, string idParameter, string setName, int maxLimit,
        Func<string, IReadOnlyList<string>, IReadOnlyList<Filter>, CancellationToken, Task<IReadOnlyList<T>>> describe, Func<T, string> idOf,
        Func<T, IEnumerable<object?>> item, CancellationToken ct)
    {
        var p = request.Parameters;
        var ids = p.List(idParameter);
        var filters = p.Filters();
        var (maxResults, nextToken) = (p.Int("MaxResults"), p["NextToken"]);
        if (ids.Count > 0 && maxResults is not null)
            throw new Ec2Exception("InvalidParameterCombination", $"The parameter {idParameter} cannot be used with the parameter MaxResults");
        request.CheckDryRun();
        var page = Page<T>.Of(await describe(request.AccountId, ids, filters, ct), idOf, maxResults, nextToken, maxLimit);
        return [Items(setName, page.Items, item), Optional("nextToken", page.NextToken)];
    }

    private async Task<IEnumerable<object?>> DescribeAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var vpcId = p.Required("VpcId");
        var attribute = p.Required("Attribute");
        request.CheckDryRun();
        var value = await vpcs.AttributeAsync(request.AccountId, vpcId, attribute, ct);
        return [E("vpcId", vpcId), E(attribute, E("value", Bool(value)))];
    }

    /// <summary>Every account has its default VPC from its first use on; asked before that, this makes it.</summary>
    private async Task<IEnumerable<object?>> CreateDefaultAsync(Ec2Request request, CancellationToken ct)
    {
        request.CheckDryRun();
        var (vpc, created) = await defaults.CreateOrReadAsync(request.AccountId, ct);
        if (!created)
            throw new Ec2Exception("DefaultVpcAlreadyExists", $"A Default VPC already exists for this account in this region ({vpc.Vpc.VpcId}).");
        return [E("vpc", VpcXml.Vpc(vpc.Vpc).ToArray())];
    }

    private static Task<IEnumerable<object?>> Refuse(Ec2Request request, CancellationToken ct) =>
        throw new Ec2Exception("UnsupportedOperation",
            $"{request.Action} is not available yet: custom VPCs, subnets, route tables, gateways and DHCP options are not supported. " +
            "Every account has its default VPC, with a default subnet in each availability zone (see DescribeVpcs).");
}
