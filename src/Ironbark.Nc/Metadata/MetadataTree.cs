using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Domain;

namespace Ironbark.Nc.Metadata;

/// <summary>The /latest/meta-data/ tree of an instance: leaves are values, directories list their entries.</summary>
public static class MetadataTree
{
    /// <param name="nic">The instance's interface as it is in force now (groups and public address as the network view set them).</param>
    public static string? Lookup(Instance instance, NetworkInterface nic, string path)
    {
        var tree = Build(instance, nic);
        if (path.Length == 0)
            return string.Join('\n', tree.Keys.GroupBy(k => k.Split('/')[0]).Select(g => g.Key + (g.Any(k => k.Contains('/')) ? "/" : "")));
        if (tree.TryGetValue(path, out var value))
            return value;
        var children = tree.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal))
            .Select(k => k[(path.Length + 1)..]).Select(k => k.Contains('/') ? k.Split('/')[0] + "/" : k).Distinct().ToList();
        return children.Count == 0 ? null : string.Join('\n', children);
    }

    private static Dictionary<string, string> Build(Instance instance, NetworkInterface nic)
    {
        var r = instance.Request;
        var d = r.Data ?? new InstanceData();
        var hostname = d.Hostname.Length > 0 ? d.Hostname : instance.Id;
        var tree = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ami-id"] = d.ImageId,
            ["ami-launch-index"] = "0",
            ["hostname"] = hostname,
            ["local-hostname"] = hostname,
            ["instance-id"] = instance.Id,
            ["instance-type"] = d.InstanceType,
            ["local-ipv4"] = nic.PrivateIp is { Length: > 0 } ip ? ip : "169.254.169.15",
            ["mac"] = Mac(instance, nic),
            ["placement/availability-zone"] = d.AvailabilityZone,
            ["reservation-id"] = d.ReservationId,
            ["security-groups"] = string.Join('\n', d.SecurityGroups),
        };
        if (nic.Mode == "VPC")
            AddNetwork(tree, nic);
        if (d.KernelId.Length > 0)
            tree["kernel-id"] = d.KernelId;
        if (d.RamdiskId.Length > 0)
            tree["ramdisk-id"] = d.RamdiskId;
        if (d.PublicKey.Length > 0)
        {
            tree["public-keys"] = $"0={d.KeyName}";
            tree["public-keys/0/openssh-key"] = d.PublicKey;
        }
        return tree;
    }

    private static string Mac(Instance instance, NetworkInterface nic) => nic.Mode == "VPC" ? nic.Mac : InstanceManager.MacFor(instance.Id);

    /// <summary>What cloud-init's Ec2 datasource reads of a VPC interface (network/interfaces/macs/&lt;mac&gt;/…, public address, hostnames).</summary>
    private static void AddNetwork(Dictionary<string, string> tree, NetworkInterface nic)
    {
        if (nic.PrivateDnsName.Length > 0)
            tree["local-hostname"] = tree["hostname"] = nic.PrivateDnsName;
        if (nic.PublicIp.Length > 0)
        {
            tree["public-ipv4"] = nic.PublicIp;
            tree["public-hostname"] = "ec2-" + nic.PublicIp.Replace('.', '-') + (nic.DnsDomain.Length > 0 ? "." + nic.DnsDomain : "");
        }
        var m = $"network/interfaces/macs/{nic.Mac}/";
        tree[m + "device-number"] = "0";
        tree[m + "interface-id"] = nic.InterfaceId;
        tree[m + "local-ipv4s"] = nic.PrivateIp;
        tree[m + "mac"] = nic.Mac;
        if (nic.PrivateDnsName.Length > 0)
            tree[m + "local-hostname"] = nic.PrivateDnsName;
        if (nic.PublicIp.Length > 0)
            tree[m + "public-ipv4s"] = nic.PublicIp;
        tree[m + "subnet-id"] = nic.SubnetId;
        tree[m + "subnet-ipv4-cidr-block"] = nic.SubnetCidr;
        tree[m + "vpc-id"] = nic.VpcId;
        tree[m + "vpc-ipv4-cidr-block"] = nic.VpcCidr;
        tree[m + "vpc-ipv4-cidr-blocks"] = nic.VpcCidr;
        tree[m + "security-group-ids"] = string.Join('\n', nic.SecurityGroupIds);
        tree["security-groups"] = tree.TryGetValue("security-groups", out var names) && names.Length > 0 ? names : string.Join('\n', nic.SecurityGroupIds);
    }
}
