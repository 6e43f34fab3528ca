using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Ironbark.Clc.Domain;

/// <summary>A source or destination range of an IpPermission.</summary>
public sealed record IpRange(string CidrIp, string? Description);

/// <summary>A peer group of an IpPermission, by id or (in the caller's account) by name.</summary>
public sealed record Ipv6Range(string CidrIpv6, string? Description);

public sealed record GroupPair(string? GroupId, string? GroupName, string? UserId, string? Description);

/// <summary>
/// An IpPermission as requests carry it: one protocol and port range for any number of CIDRs and
/// groups. Checked and normalised on creation; each peer becomes one <see cref="SecurityGroupRule"/>.
/// </summary>
public sealed record IpPermission(string IpProtocol, int? FromPort, int? ToPort, IReadOnlyList<IpRange> IpRanges, IReadOnlyList<GroupPair> Groups,
    IReadOnlyList<Ipv6Range> Ipv6Ranges)
{
    public static IpPermission Create(string protocol, int? fromPort, int? toPort, IReadOnlyList<IpRange> ipRanges, IReadOnlyList<GroupPair> groups,
        IReadOnlyList<Ipv6Range>? ipv6Ranges = null)
    {
        ipv6Ranges ??= [];
        var normalized = NormalizeProtocol(protocol);
        (int? from, int? to) = normalized switch
        {
            "tcp" or "udp" => TcpUdpPorts(fromPort, toPort),
            "icmp" => IcmpTypeAndCode(fromPort, toPort),
            _ => (null, null),
        };
        if (ipRanges.Count == 0 && groups.Count == 0 && ipv6Ranges.Count == 0)
            throw new Ec2Exception("MissingParameter", "The request must contain the parameter ipRanges, ipv6Ranges or groups (a CIDR or a source group).");
        var ranges = ipRanges.Select(r => r with { CidrIp = NormalizeCidr(r.CidrIp) }).ToList();
        var ranges6 = ipv6Ranges.Select(r => r with { CidrIpv6 = NormalizeCidr6(r.CidrIpv6) }).ToList();
        return new IpPermission(normalized, from, to, ranges, groups, ranges6);
    }

    private static string NormalizeProtocol(string protocol)
    {
        var p = protocol.Trim().ToLowerInvariant();
        return p switch
        {
            "tcp" or "6" => "tcp",
            "udp" or "17" => "udp",
            "icmp" or "1" => "icmp",
            "-1" or "all" => "-1",
            _ when int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 255 => n.ToString(CultureInfo.InvariantCulture),
            _ => throw Ec2Exception.InvalidParameterValue($"Invalid value '{protocol}' for IP protocol. Unknown protocol."),
        };
    }

    private static (int?, int?) TcpUdpPorts(int? from, int? to)
    {
        if (from is null || to is null)
            throw Ec2Exception.InvalidParameterValue("Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange.");
        if (from is < 0 or > 65535 || to is < 0 or > 65535 || from > to)
            throw Ec2Exception.InvalidParameterValue($"Invalid TCP/UDP port range {from}-{to}: ports are 0 to 65535 and FromPort must not exceed ToPort.");
        return (from, to);
    }

    private static (int?, int?) IcmpTypeAndCode(int? type, int? code)
    {
        type ??= -1;
        code ??= -1;
        if (type is < -1 or > 255 || code is < -1 or > 255)
            throw Ec2Exception.InvalidParameterValue($"Invalid ICMP type {type} or code {code}: each is -1 (all) or 0 to 255.");
        return (type, code);
    }

    /// <summary>An IPv6 range, strict as IPv4's (no host bits beyond the prefix), in its compressed lower-case form.</summary>
    private static string NormalizeCidr6(string cidr)
    {
        var parts = cidr.Trim().Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetworkV6
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 128)
            throw Ec2Exception.InvalidParameterValue($"CIDR block {cidr} is malformed");
        var bits = new System.Numerics.BigInteger(address.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        var hostMask = (System.Numerics.BigInteger.One << (128 - prefix)) - 1;
        if ((bits & hostMask) != 0)
            throw Ec2Exception.InvalidParameterValue($"CIDR block {cidr} is malformed: host bits are set beyond /{prefix}");
        return $"{address}/{prefix}";
    }

    private static string NormalizeCidr(string cidr)
    {
        // Strict: an IPv4 address, a prefix length, and no host bits set beyond the prefix.
        var parts = cidr.Trim().Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != AddressFamily.InterNetwork
            || parts[0].Count(c => c == '.') != 3 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
            throw Ec2Exception.InvalidParameterValue($"CIDR block {cidr} is malformed");
        var bits = BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());
        var hostMask = prefix == 0 ? uint.MaxValue : (1u << (32 - prefix)) - 1;
        if ((bits & hostMask) != 0)
            throw Ec2Exception.InvalidParameterValue($"CIDR block {cidr} is malformed: host bits are set beyond /{prefix}");
        return $"{address}/{prefix}";
    }
}
