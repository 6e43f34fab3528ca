using Ironbark.Clc.Domain;

namespace Ironbark.Clc.Api;

/// <summary>
/// Reads the IpPermissions of Authorize/Revoke requests: IpPermissions.N.{IpProtocol, FromPort,
/// ToPort, IpRanges.M.CidrIp, Ipv6Ranges.M.CidrIpv6, Groups.M.GroupId…}, or the older top-level IpProtocol/CidrIp/SourceSecurityGroupName form.
/// </summary>
public static class IpPermissionReader
{
    public static IReadOnlyList<IpPermission> Read(Ec2Parameters p)
    {
        var members = p.Members("IpPermissions");
        if (members.Count > 0)
            return members.Select(ReadOne).ToList();
        if (!p.Has("IpProtocol"))
            return [];
        IpRange[] ranges = p["CidrIp"] is { } cidr ? [new IpRange(cidr, null)] : [];
        GroupPair[] groups = p["SourceSecurityGroupName"] is { } name ? [new GroupPair(null, name, p["SourceSecurityGroupOwnerId"], null)] : [];
        return [IpPermission.Create(p.Required("IpProtocol"), p.Int("FromPort"), p.Int("ToPort"), ranges, groups)];
    }

    private static IpPermission ReadOne(Ec2Parameters m)
    {
        if (m.Members("PrefixListIds").Count > 0)
            throw Ec2Exception.InvalidParameterValue("Prefix lists are not supported; use IpRanges, Ipv6Ranges or Groups.");
        var ranges = m.Members("IpRanges").Select(r => new IpRange(r.Required("CidrIp"), r["Description"])).ToList();
        var ranges6 = m.Members("Ipv6Ranges").Select(r => new Ipv6Range(r.Required("CidrIpv6"), r["Description"])).ToList();
        var groups = m.Members("Groups").Select(g => g["GroupId"] is null && g["GroupName"] is null
            ? throw Ec2Exception.MissingParameter("Groups.N.GroupId")
            : new GroupPair(g["GroupId"], g["GroupName"], g["UserId"], g["Description"])).ToList();
        return IpPermission.Create(m.Required("IpProtocol"), m.Int("FromPort"), m.Int("ToPort"), ranges, groups, ranges6);
    }
}
