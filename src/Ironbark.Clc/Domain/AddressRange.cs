using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Ironbark.Clc.Domain;

/// <summary>
/// A range of IPv4 addresses given as a CIDR ("198.51.100.0/24": its network and broadcast addresses left out, as no host
/// can hold them) or as "first-last" (both included).
/// </summary>
public sealed class AddressRange
{
    private readonly uint _first;
    private readonly uint _last;

    private AddressRange(uint first, uint last) => (_first, _last) = (first, last);

    public long Count => (long)_last - _first + 1;

    public static AddressRange Parse(string text)
    {
        text = text.Trim();
        if (text.Split('/') is [var network, var bits])
        {
            if (!TryAddress(network, out var start) || !int.TryParse(bits, out var prefix) || prefix is < 0 or > 32)
                throw new FormatException($"'{text}' is not an IPv4 CIDR.");
            var mask = prefix == 0 ? 0u : uint.MaxValue << (32 - prefix);
            if ((start & ~mask) != 0)
                throw new FormatException($"'{text}' has host bits set; the network is {ToString(start & mask)}/{prefix}.");
            var end = start | ~mask;
            return prefix >= 31 ? new AddressRange(start, end) : new AddressRange(start + 1, end - 1);
        }
        if (text.Split('-') is [var a, var b] && TryAddress(a.Trim(), out var first) && TryAddress(b.Trim(), out var last))
            return first <= last ? new AddressRange(first, last) : throw new FormatException($"'{text}' ends before it starts.");
        throw new FormatException($"'{text}' is neither an IPv4 CIDR nor a range first-last.");
    }

    public bool Contains(string address) => TryAddress(address, out var a) && a >= _first && a <= _last;

    public bool Overlaps(AddressRange other) => _first <= other._last && other._first <= _last;

    /// <summary>The addresses of the range in order.</summary>
    public IEnumerable<string> Addresses()
    {
        for (var a = (ulong)_first; a <= _last; a++)
            yield return ToString((uint)a);
    }

    /// <summary>Whether the text is an IPv4 address in dotted-quad form.</summary>
    public static bool IsIpv4(string text) => TryAddress(text, out _);

    private static bool TryAddress(string text, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)
            return false;
        value = BinaryPrimitives.ReadUInt32BigEndian(ip.GetAddressBytes());
        return true;
    }

    private static string ToString(uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes).ToString();
    }
}
