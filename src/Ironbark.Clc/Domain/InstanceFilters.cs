namespace Ironbark.Clc.Domain;

/// <summary>The DescribeInstances and DescribeInstanceStatus filters EC2 clients use.</summary>
public static class InstanceFilters
{
    private static string Time(long ms) => Api.Ec2Xml.Time(ms);

    public static readonly FilterSchema<Instance> Instances = new(new Dictionary<string, Func<Instance, IEnumerable<string?>>>
    {
        ["instance-id"] = i => [i.InstanceId],
        ["instance-state-name"] = i => [i.State],
        ["instance-state-code"] = i => [i.StateCode.ToString()],
        ["instance-type"] = i => [i.InstanceType],
        ["image-id"] = i => [i.ImageId],
        ["kernel-id"] = i => [i.KernelId],
        ["ramdisk-id"] = i => [i.RamdiskId],
        ["key-name"] = i => [i.KeyName],
        ["availability-zone"] = i => [i.Zone],
        ["placement-group-name"] = _ => [],
        ["tenancy"] = _ => ["default"],
        ["reservation-id"] = i => [i.ReservationId],
        ["owner-id"] = i => [i.AccountId],
        ["requester-id"] = _ => [],
        ["launch-index"] = i => [i.LaunchIndex.ToString()],
        ["ami-launch-index"] = i => [i.LaunchIndex.ToString()],
        ["launch-time"] = i => [Time(i.LaunchMs)],
        ["group-id"] = i => i.Groups.Select(g => g.GroupId),
        ["group-name"] = i => i.Groups.Select(g => g.GroupName),
        ["instance.group-id"] = i => i.Groups.Select(g => g.GroupId),
        ["instance.group-name"] = i => i.Groups.Select(g => g.GroupName),
        ["client-token"] = i => [i.ClientToken],
        ["private-ip-address"] = i => [i.PrivateIpAddress],
        ["private-dns-name"] = i => [i.PrivateDnsName],
        ["dns-name"] = i => [i.PrimaryInterface?.PublicDnsName],
        ["architecture"] = _ => ["x86_64"],
        ["root-device-type"] = _ => ["instance-store"],
        ["hypervisor"] = _ => ["xen"],
        ["virtualization-type"] = _ => ["paravirtual"],
        ["monitoring-state"] = _ => ["disabled"],
        ["state-reason-code"] = i => [i.StateReason?.Split(':', 2)[0]],
        ["reason"] = i => [i.TransitionReason],
        ["node-id"] = i => [i.NodeId],
        ["vpc-id"] = i => [i.VpcId],
        ["subnet-id"] = i => [i.SubnetId],
        ["ip-address"] = i => [i.PrimaryInterface?.PublicIp],
        ["network-interface.network-interface-id"] = i => [i.PrimaryInterface?.NetworkInterfaceId],
        ["network-interface.addresses.association.public-ip"] = i => [i.PrimaryInterface?.PublicIp],
    }, i => i.Tags);

    public static readonly FilterSchema<Instance> Status = new(new Dictionary<string, Func<Instance, IEnumerable<string?>>>
    {
        ["availability-zone"] = i => [i.Zone],
        ["instance-state-name"] = i => [i.State],
        ["instance-state-code"] = i => [i.StateCode.ToString()],
        ["instance-status.status"] = i => [StatusOf(i)],
        ["system-status.status"] = i => [StatusOf(i)],
        ["instance-status.reachability"] = i => [ReachabilityOf(i)],
        ["system-status.reachability"] = i => [ReachabilityOf(i)],
    });

    /// <summary>EC2's status check summary: ok for a running instance, not-applicable otherwise.</summary>
    public static string StatusOf(Instance i) => i.State == InstanceState.Running ? "ok" : "not-applicable";

    public static string ReachabilityOf(Instance i) => i.State == InstanceState.Running ? "passed" : "not-applicable";
}
