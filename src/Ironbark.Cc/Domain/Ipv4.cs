using System.Net;
using System.Net.Sockets;

namespace Ironbark.Cc.Domain;

/// <summary>IPv4 addresses as numbers, for the arithmetic of subnets and pools.</summary>
internal static class Ipv4
{
    public static bool TryParse(string text, out uint address)
    {
        address = 0;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || ip.ToString() != text)
            return false;
        var b = ip.GetAddressBytes();
        address = (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
        return true;
    }

    public static string Text(uint address) => $"{address >> 24}.{(address >> 16) & 255}.{(address >> 8) & 255}.{address & 255}";

    /// <summary>Parses a.b.c.d/n (the address must be the network's first); false when it is not one.</summary>
    public static bool TryParseCidr(string text, out uint network, out int prefix)
    {
        network = 0;
        prefix = 0;
        var parts = text.Split('/');
        if (parts.Length != 2 || !TryParse(parts[0], out network) || !int.TryParse(parts[1], out prefix) || prefix is < 0 or > 32
            || parts[1] != prefix.ToString())
            return false;
        return (network & ~Mask(prefix)) == 0;
    }

    public static uint Mask(int prefix) => prefix == 0 ? 0 : uint.MaxValue << (32 - prefix);
}
