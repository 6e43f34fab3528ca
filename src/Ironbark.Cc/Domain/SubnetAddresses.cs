namespace Ironbark.Cc.Domain;

/// <summary>
/// The addresses of one subnet as AWS hands them out: the network (.0), the router (.1, the gateway), DNS (.2) and
/// one reserved (.3) are never given to an interface, nor is the last (broadcast).
/// </summary>
public sealed record SubnetAddresses(string Cidr, uint Network, int Prefix)
{
    /// <summary>Subnets from /16 to /28, as AWS allows.</summary>
    public static SubnetAddresses Parse(string cidr) =>
        Ipv4.TryParseCidr(cidr, out var network, out var prefix) && prefix is >= 16 and <= 28
            ? new SubnetAddresses(cidr, network, prefix)
            : throw CcException.Invalid("InvalidParameterValue", $"The subnet CIDR '{cidr}' is not an IPv4 network from /16 to /28.");

    public uint Broadcast => Network | ~Ipv4.Mask(Prefix);

    public string Gateway => Ipv4.Text(Network + 1);

    public uint FirstUsable => Network + 4;

    public uint LastUsable => Broadcast - 1;

    public bool Contains(uint address) => (address & Ipv4.Mask(Prefix)) == Network;

    /// <summary>True when the subnet lies inside <paramref name="vpcCidr"/>.</summary>
    public bool IsInside(string vpcCidr) =>
        Ipv4.TryParseCidr(vpcCidr, out var vpc, out var vpcPrefix) && vpcPrefix <= Prefix && (Network & Ipv4.Mask(vpcPrefix)) == vpc;

    /// <summary>The lowest usable address nobody holds, or null when the subnet is full.</summary>
    public string? FirstFree(IEnumerable<string> held)
    {
        var taken = held.Select(a => Ipv4.TryParse(a, out var n) ? n : 0).ToHashSet();
        for (var a = FirstUsable; a <= LastUsable; a++)
            if (!taken.Contains(a))
                return Ipv4.Text(a);
        return null;
    }
}
