using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>The kinds of resource that take tags, told apart by the prefix of their id, with AWS's error for an unknown one.</summary>
public static class TaggableResource
{
    public const string KeyPair = "key-pair";
    public const string SecurityGroup = "security-group";
    public const string Image = "image";
    public const string Instance = "instance";
    public const string Vpc = "vpc";
    public const string Subnet = "subnet";
    public const string RouteTable = "route-table";
    public const string InternetGateway = "internet-gateway";
    public const string DhcpOptions = "dhcp-options";
    public const string ElasticIp = "elastic-ip";
    public const string NetworkInterface = "network-interface";
    /// <summary>Taken in RunInstances' tag specifications; there are no volumes to tag yet (docs/vpc.md).</summary>
    public const string Volume = "volume";

    /// <summary>The resource type of an id ("key-pair", "security-group", "image", "instance"); InvalidID when no taggable resource has its shape.</summary>
    public static string TypeOf(string resourceId)
    {
        var prefix = resourceId.Split('-', 2)[0];
        var type = prefix switch
        {
            Domain.KeyPairService.IdPrefix => KeyPair,
            Domain.SecurityGroup.IdPrefix => SecurityGroup,
            Domain.Image.MachinePrefix or Domain.Image.KernelPrefix or Domain.Image.RamdiskPrefix => Image,
            Domain.Instance.IdPrefix => Instance,
            Domain.Vpc.IdPrefix => Vpc,
            Domain.Subnet.IdPrefix => Subnet,
            Domain.RouteTable.IdPrefix => RouteTable,
            Domain.InternetGateway.IdPrefix => InternetGateway,
            Domain.DhcpOptions.IdPrefix => DhcpOptions,
            ElasticAddress.AllocationPrefix => ElasticIp,
            Domain.ElasticNetworkInterface.IdPrefix => NetworkInterface,
            _ => null,
        };
        return type is not null && ResourceId.IsValid(resourceId, prefix)
            ? type
            : throw new Ec2Exception("InvalidID", $"The ID '{resourceId}' is not valid");
    }

    public static Ec2Exception NotFound(string resourceId, string type) => type switch
    {
        KeyPair => new Ec2Exception("InvalidKeyPair.NotFound", $"The key pair ID '{resourceId}' does not exist"),
        SecurityGroup => new Ec2Exception("InvalidGroup.NotFound", $"The security group '{resourceId}' does not exist"),
        Instance => new Ec2Exception("InvalidInstanceID.NotFound", $"The instance ID '{resourceId}' does not exist"),
        Vpc => VpcService.VpcNotFound(resourceId),
        Subnet => VpcService.SubnetNotFound(resourceId),
        RouteTable => new Ec2Exception("InvalidRouteTableID.NotFound", $"The routeTable ID '{resourceId}' does not exist"),
        InternetGateway => new Ec2Exception("InvalidInternetGatewayID.NotFound", $"The internetGateway ID '{resourceId}' does not exist"),
        DhcpOptions => new Ec2Exception("InvalidDhcpOptionID.NotFound", $"The dhcpOption ID '{resourceId}' does not exist"),
        ElasticIp => new Ec2Exception("InvalidAllocationID.NotFound", $"The allocation ID '{resourceId}' does not exist"),
        NetworkInterface => NetworkInterfaceService.NotFound([resourceId]),
        _ => new Ec2Exception("InvalidAMIID.NotFound", $"The image id '[{resourceId}]' does not exist"),
    };
}
