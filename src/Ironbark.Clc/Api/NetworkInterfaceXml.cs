using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>A network interface as EC2 writes it: in DescribeNetworkInterfaces, and in an instance's networkInterfaceSet.</summary>
public static class NetworkInterfaceXml
{
    /// <summary>An item of DescribeNetworkInterfaces' networkInterfaceSet.</summary>
    public static IEnumerable<object?> Item(ElasticNetworkInterface n) =>
    [
        E("networkInterfaceId", n.NetworkInterfaceId), Optional("subnetId", n.SubnetId), Optional("vpcId", n.VpcId), E("availabilityZone", n.Zone),
        E("description", n.Description), E("ownerId", n.AccountId), E("requesterManaged", "false"), E("status", n.Status),
        Optional("macAddress", n.MacAddress), Optional("privateIpAddress", n.PrivateIpAddress), Optional("privateDnsName", n.PrivateDnsName),
        E("sourceDestCheck", Bool(n.SourceDestCheck)), InstanceXml.Groups(n.Groups), Attachment(n, withInstance: true), Association(n),
        TagSet(n.Tags), PrivateAddresses(n), E("ipv6AddressesSet"), E("interfaceType", "interface"),
    ];

    /// <summary>An instance's networkInterfaceSet: its primary interface, when it has one.</summary>
    public static XElement InstanceSet(ElasticNetworkInterface? n) => Items<ElasticNetworkInterface>("networkInterfaceSet", n is null ? [] : [n], i => [
        E("networkInterfaceId", i.NetworkInterfaceId), Optional("subnetId", i.SubnetId), Optional("vpcId", i.VpcId), E("description", i.Description),
        E("ownerId", i.AccountId), E("status", i.Status), Optional("macAddress", i.MacAddress), Optional("privateIpAddress", i.PrivateIpAddress),
        Optional("privateDnsName", i.PrivateDnsName), E("sourceDestCheck", Bool(i.SourceDestCheck)), InstanceXml.Groups(i.Groups),
        Attachment(i, withInstance: false), Association(i), PrivateAddresses(i), E("ipv6AddressesSet"), E("interfaceType", "interface"),
    ]);

    public static XElement? Attachment(ElasticNetworkInterface n, bool withInstance) => n.InstanceId is null ? null : E("attachment",
        E("attachmentId", n.AttachmentId), withInstance ? E("instanceId", n.InstanceId) : null, withInstance ? E("instanceOwnerId", n.AccountId) : null,
        E("deviceIndex", 0), E("networkCardIndex", 0), E("status", "attached"), E("attachTime", Time(n.AttachMs)), E("deleteOnTermination", "true"));

    private static XElement? Association(ElasticNetworkInterface n) => n.PublicIp is null ? null : E("association",
        E("publicIp", n.PublicIp), E("publicDnsName", n.PublicDnsName ?? ""), E("ipOwnerId", n.IpOwnerId),
        Optional("allocationId", n.ElasticAddress?.AllocationId), Optional("associationId", n.ElasticAddress?.AssociationId));

    private static XElement PrivateAddresses(ElasticNetworkInterface n) => Items<ElasticNetworkInterface>("privateIpAddressesSet",
        n.PrivateIpAddress is null ? [] : [n], i => [
            E("privateIpAddress", i.PrivateIpAddress), Optional("privateDnsName", i.PrivateDnsName), E("primary", "true"), Association(i),
        ]);
}
