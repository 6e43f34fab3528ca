using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>Instances and reservations as EC2 writes them (RunInstances, DescribeInstances).</summary>
public static class InstanceXml
{
    public static XElement State(string state) => E("instanceState", E("code", InstanceState.Code(state)), E("name", state));

    public static XElement Groups(IEnumerable<GroupRef> groups) => Items("groupSet", groups, g => [E("groupId", g.GroupId), E("groupName", g.GroupName)]);

    /// <summary>The reservations the instances belong to, in the order their first instance comes (built while written).</summary>
    public static XStreamingElement Reservations(IEnumerable<Instance> instances) =>
        StreamedItems("reservationSet", instances.GroupBy(i => i.ReservationId), r => Reservation(r.ToList()));

    /// <summary>reservationId, ownerId, groupSet and instancesSet: the body of RunInstancesResponse and of a reservationSet item.</summary>
    public static IEnumerable<XElement> Reservation(IReadOnlyList<Instance> instances) =>
    [
        E("reservationId", instances[0].ReservationId), E("ownerId", instances[0].AccountId), Groups(instances[0].Groups),
        Items("instancesSet", instances, Item),
    ];

    private static IEnumerable<object?> Item(Instance i)
    {
        var (reasonCode, reasonMessage) = SplitReason(i.StateReason);
        return
        [
            E("instanceId", i.InstanceId), E("imageId", i.ImageId), State(i.State),
            E("privateDnsName", i.PrivateDnsName ?? ""), E("dnsName", i.PrimaryInterface?.PublicDnsName ?? ""),
            E("reason", i.TransitionReason ?? ""), Optional("keyName", i.KeyName), E("amiLaunchIndex", i.LaunchIndex), E("productCodes"),
            E("instanceType", i.InstanceType), E("launchTime", Time(i.LaunchMs)),
            E("placement", E("availabilityZone", i.Zone), E("groupName"), E("tenancy", "default")),
            Optional("kernelId", i.KernelId), Optional("ramdiskId", i.RamdiskId), E("monitoring", E("state", "disabled")),
            Optional("privateIpAddress", i.PrivateIpAddress),
            Optional("subnetId", i.SubnetId), Optional("vpcId", i.VpcId),
            Optional("ipAddress", i.PrimaryInterface?.PublicIp),
            Groups(i.Groups),
            reasonCode is null ? null : E("stateReason", E("code", reasonCode), E("message", reasonMessage)),
            E("architecture", "x86_64"), E("rootDeviceType", "instance-store"), E("blockDeviceMapping"),
            E("virtualizationType", "paravirtual"), Optional("clientToken", i.ClientToken), TagSet(i.Tags), E("hypervisor", "xen"),
            E("ebsOptimized", "false"), E("enaSupport", "false"), E("sourceDestCheck", Bool(i.PrimaryInterface?.SourceDestCheck ?? true)),
            E("cpuOptions", E("coreCount", 1), E("threadsPerCore", 1)), MetadataOptions("metadataOptions", i),
            NetworkInterfaceXml.InstanceSet(i.PrimaryInterface),
        ];
    }

    /// <summary>EC2's InstanceMetadataOptionsResponse: metadataOptions in an instance, instanceMetadataOptions in ModifyInstanceMetadataOptions.</summary>
    public static XElement MetadataOptions(string name, Instance i) => E(name,
        E("state", i.MetadataOptionsState), E("httpTokens", i.HttpTokens), E("httpPutResponseHopLimit", i.HttpPutResponseHopLimit),
        E("httpEndpoint", i.HttpEndpoint), E("httpProtocolIpv6", InstanceMetadataOptions.Disabled),
        E("instanceMetadataTags", InstanceMetadataOptions.Disabled));

    private static (string? Code, string? Message) SplitReason(string? reason)
    {
        if (reason is null)
            return (null, null);
        var parts = reason.Split(": ", 2);
        return (parts[0], parts.Length > 1 ? reason : parts[0]);
    }
}
