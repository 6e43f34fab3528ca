namespace Ironbark.Cc.Domain;

/// <summary>
/// The zone's public addresses for instances launched with a public IP (CcOptions.PublicAddresses): a CIDR, whose
/// network and broadcast addresses are left out (from /31 on every address), or an inclusive first-last range.
/// </summary>
public sealed record PublicAddressPool(uint First, uint Last)
{
    /// <summary>Parses "203.0.113.0/24" or "203.0.113.10-203.0.113.99"; null with <paramref name="error"/> when it is neither.</summary>
    public static PublicAddressPool? TryParse(string text, out string error)
    {
        error = "";
        var range = text.Split('-');
        if (range.Length == 2 && Ipv4.TryParse(range[0].Trim(), out var first) && Ipv4.TryParse(range[1].Trim(), out var last))
        {
            if (first <= last)
                return new PublicAddressPool(first, last);
            error = $"the range '{text}' ends before it starts";
            return null;
        }
        if (Ipv4.TryParseCidr(text.Trim(), out var network, out var prefix))
        {
            var broadcast = network | ~Ipv4.Mask(prefix);
            return prefix >= 31
                ? new PublicAddressPool(network, broadcast)
                : new PublicAddressPool(network + 1, broadcast - 1) { RangeFirst = network, RangeLast = broadcast };
        }
        error = $"'{text}' is neither an IPv4 CIDR (203.0.113.0/24) nor a range (203.0.113.10-203.0.113.99)";
        return null;
    }

    public static PublicAddressPool Parse(string text) => TryParse(text, out var error) ?? throw new ArgumentException(error, nameof(text));

    /// <summary>The configured range: a CIDR's network and broadcast addresses too, which are not handed out.</summary>
    public uint RangeFirst { get; init; } = First;

    public uint RangeLast { get; init; } = Last;

    /// <summary>True when the address is in the configured range (handed out or not): it cannot be an elastic IP.</summary>
    public bool Covers(string address) => Ipv4.TryParse(address, out var a) && a >= RangeFirst && a <= RangeLast;

    /// <summary>The lowest address of the pool nobody holds, or null when all are held.</summary>
    public string? FirstFree(IEnumerable<string> held)
    {
        var taken = held.Select(a => Ipv4.TryParse(a, out var n) ? n : 0).ToHashSet();
        for (var a = (ulong)First; a <= Last; a++)
            if (!taken.Contains((uint)a))
                return Ipv4.Text((uint)a);
        return null;
    }
}
