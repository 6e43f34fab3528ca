using Ironbark.Nc.Domain;

namespace Ironbark.Nc.Metadata;

/// <summary>The /latest/meta-data/ tree of an instance: leaves are values, directories list their entries.</summary>
public static class MetadataTree
{
    public static string? Lookup(Instance instance, string path)
    {
        var tree = Build(instance);
        if (path.Length == 0)
            return string.Join('\n', tree.Keys.GroupBy(k => k.Split('/')[0]).Select(g => g.Key + (g.Any(k => k.Contains('/')) ? "/" : "")));
        if (tree.TryGetValue(path, out var value))
            return value;
        var children = tree.Keys.Where(k => k.StartsWith(path + "/", StringComparison.Ordinal))
            .Select(k => k[(path.Length + 1)..]).Select(k => k.Contains('/') ? k.Split('/')[0] + "/" : k).Distinct().ToList();
        return children.Count == 0 ? null : string.Join('\n', children);
    }

    private static Dictionary<string, string> Build(Instance instance)
    {
        var r = instance.Request;
        var d = r.Data ?? new Ironbark.Common.Contracts.Nc.InstanceData();
        var hostname = d.Hostname.Length > 0 ? d.Hostname : instance.Id;
        var tree = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["ami-id"] = d.ImageId,
            ["ami-launch-index"] = "0",
            ["hostname"] = hostname,
            ["local-hostname"] = hostname,
            ["instance-id"] = instance.Id,
            ["instance-type"] = d.InstanceType,
            ["local-ipv4"] = r.Network?.PrivateIp is { Length: > 0 } ip ? ip : "169.254.169.15",
            ["mac"] = InstanceManager.MacFor(instance.Id),
            ["placement/availability-zone"] = d.AvailabilityZone,
            ["reservation-id"] = d.ReservationId,
            ["security-groups"] = string.Join('\n', d.SecurityGroups),
        };
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
}
