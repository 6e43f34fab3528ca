using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>AllocateAddress, DescribeAddresses, DescribeAddressesAttribute, AssociateAddress, DisassociateAddress, ReleaseAddress.</summary>
public sealed class AddressApi(AddressService addresses, ClcOptions options) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("AllocateAddress", AllocateAsync),
        new("DescribeAddresses", DescribeAsync),
        new("DescribeAddressesAttribute", DescribeAttributeAsync),
        new("AssociateAddress", AssociateAsync),
        new("DisassociateAddress", DisassociateAsync),
        new("ReleaseAddress", ReleaseAsync),
    ];

    private async Task<IEnumerable<object?>> AllocateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        // Both domains give a VPC allocation: EC2-Classic is gone (on AWS too).
        if (p["Domain"] is { } domain && domain is not ("vpc" or "standard"))
            throw Ec2Exception.InvalidParameterValue($"Value ({domain}) for parameter Domain is invalid. Expected 'vpc' or 'standard'.");
        if (p["PublicIpv4Pool"] is { } pool && pool != ElasticAddress.PoolName)
            throw Ec2Exception.InvalidParameterValue($"The public IPv4 pool '{pool}' does not exist; this region has only '{ElasticAddress.PoolName}'.");
        if (p["NetworkBorderGroup"] is { } group && group != options.Region)
            throw Ec2Exception.InvalidParameterValue($"The network border group '{group}' is invalid; this region's is '{options.Region}'.");
        if (p["CustomerOwnedIpv4Pool"] is not null || p["IpamPoolId"] is not null)
            throw new Ec2Exception("UnsupportedOperation", "Customer-owned and IPAM pools are not supported; addresses come from the region's pool.");
        var tags = p.TagsFor(TaggableResource.ElasticIp);
        var address = p["Address"];
        request.CheckDryRun();
        var allocated = await addresses.AllocateAsync(request.AccountId, address, tags, ct);
        return [E("publicIp", allocated.PublicIp), E("domain", allocated.Domain), E("allocationId", allocated.AllocationId),
            E("publicIpv4Pool", ElasticAddress.PoolName), E("networkBorderGroup", options.Region)];
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var filters = p.Filters();
        request.CheckDryRun();
        var found = await addresses.DescribeAsync(request.AccountId, p.List("PublicIp"), p.List("AllocationId"), filters, ct);
        return [Items("addressesSet", found, a => [
            E("publicIp", a.PublicIp), E("allocationId", a.AllocationId), E("domain", a.Domain), Optional("instanceId", a.InstanceId),
            Optional("associationId", a.AssociationId), Optional("networkInterfaceId", a.NetworkInterfaceId),
            a.NetworkInterfaceId is null ? null : E("networkInterfaceOwnerId", a.AccountId), Optional("privateIpAddress", a.PrivateIpAddress),
            TagSet(a.Tags), E("publicIpv4Pool", ElasticAddress.PoolName), E("networkBorderGroup", options.Region),
        ])];
    }

    /// <summary>The reverse-DNS (PTR) records of addresses, which Terraform's aws_eip reads: none is ever set here, so each
    /// address is listed with no ptrRecord, as AWS lists one whose record was never changed.</summary>
    private async Task<IEnumerable<object?>> DescribeAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        if (p["Attribute"] is { } attribute && attribute != "domain-name")
            throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter Attribute is invalid. Expected 'domain-name'.");
        request.CheckDryRun();
        var found = await addresses.DescribeAsync(request.AccountId, [], p.List("AllocationId"), [], ct);
        return [Items("addressSet", found, a => [E("publicIp", a.PublicIp), E("allocationId", a.AllocationId)])];
    }

    private async Task<IEnumerable<object?>> AssociateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var address = Named(p);
        var (instanceId, interfaceId) = (p["InstanceId"], p["NetworkInterfaceId"]);
        if (instanceId is null && interfaceId is null)
            throw Ec2Exception.MissingParameter("InstanceId");
        if (instanceId is not null && interfaceId is not null)
            throw new Ec2Exception("InvalidParameterCombination", "Give either InstanceId or NetworkInterfaceId, not both.");
        var allow = p.Bool("AllowReassociation");
        var privateIp = p["PrivateIpAddress"];
        request.CheckDryRun();
        var associationId = await addresses.AssociateAsync(request.AccountId, address, instanceId, interfaceId, privateIp, allow, ct);
        return [E("return", "true"), E("associationId", associationId)];
    }

    private async Task<IEnumerable<object?>> DisassociateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var (associationId, publicIp) = (p["AssociationId"], p["PublicIp"]);
        if (associationId is null && publicIp is null)
            throw Ec2Exception.MissingParameter("AssociationId");
        if (associationId is not null && publicIp is not null)
            throw new Ec2Exception("InvalidParameterCombination", "Give either AssociationId or PublicIp, not both.");
        request.CheckDryRun();
        await addresses.DisassociateAsync(request.AccountId, associationId, publicIp, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> ReleaseAsync(Ec2Request request, CancellationToken ct)
    {
        var address = Named(request.Parameters);
        if (request.Parameters["NetworkBorderGroup"] is { } group && group != options.Region)
            throw Ec2Exception.InvalidParameterValue($"The network border group '{group}' is invalid; this region's is '{options.Region}'.");
        request.CheckDryRun();
        await addresses.ReleaseAsync(request.AccountId, address, ct);
        return [E("return", "true")];
    }

    /// <summary>AllocationId or PublicIp: exactly one of them.</summary>
    private static AddressRef Named(Ec2Parameters p)
    {
        var (allocationId, publicIp) = (p["AllocationId"], p["PublicIp"]);
        if (allocationId is null && publicIp is null)
            throw Ec2Exception.MissingParameter("AllocationId");
        if (allocationId is not null && publicIp is not null)
            throw new Ec2Exception("InvalidParameterCombination", "Give either AllocationId or PublicIp, not both.");
        return new AddressRef(allocationId, publicIp);
    }
}
