using System.Net;
using System.Net.Sockets;

namespace Ironbark.Walrus.Domain;

/// <summary>An IPv4 or IPv6 address range in CIDR notation (a bare address is a /32 or /128), as aws:SourceIp compares.</summary>
public sealed record Cidr(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string text, out Cidr cidr)
    {
        cidr = null!;
        var slash = text.IndexOf('/');
        if (!IPAddress.TryParse(slash < 0 ? text : text[..slash], out var address))
            return false;
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var length = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], System.Globalization.NumberStyles.None, null, out length) || length > max))
            return false;
        cidr = new Cidr(address, length);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily != Network.AddressFamily)
            return false;
        var a = address.GetAddressBytes();
        var n = Network.GetAddressBytes();
        for (var bit = 0; bit < PrefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
                return false;
        }
        return true;
    }
}
