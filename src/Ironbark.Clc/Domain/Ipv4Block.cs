using System.Globalization;
using System.Net;

namespace Ironbark.Clc.Domain;

/// <summary>An IPv4 network in CIDR notation (172.31.0.0/16): its first address and prefix length, aligned.</summary>
public readonly record struct Ipv4Block(uint Network, int PrefixLength)
{
    /// <summary>Default subnets are /20s (4096 addresses), as on AWS.</summary>
    public const int DefaultSubnetPrefix = 20;
    public const long DefaultSubnetSize = 1L << (32 - DefaultSubnetPrefix);

    /// <summary>Addresses AWS keeps in every subnet: network, router, DNS, one reserved, and broadcast.</summary>
    public const int ReservedPerSubnet = 5;

    public long Size => 1L << (32 - PrefixLength);

    /// <summary>The <paramref name="index"/>-th block of <paramref name="prefixLength"/> inside this one.</summary>
    public Ipv4Block Child(int index, int prefixLength) => new((uint)(Network + index * (1L << (32 - prefixLength))), prefixLength);

    /// <summary>A well-formed, aligned IPv4 CIDR ("10.0.0.0/16"; "10.0.0.1/16" is not one).</summary>
    public static bool TryParse(string? text, out Ipv4Block block)
    {
        block = default;
        var parts = text?.Split('/') ?? [];
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address) || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || parts[0].Count(c => c == '.') != 3
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var prefix) || prefix > 32)
            return false;
        var bytes = address.GetAddressBytes();
        var network = (uint)(bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3]);
        var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
        if ((network & ~mask) != 0)
            return false;
        block = new Ipv4Block(network, prefix);
        return true;
    }

    public override string ToString() =>
        $"{Network >> 24}.{(Network >> 16) & 255}.{(Network >> 8) & 255}.{Network & 255}/{PrefixLength}";
}
