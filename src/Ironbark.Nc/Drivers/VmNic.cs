namespace Ironbark.Nc.Drivers;

/// <summary>
/// The VM's network card as the network driver made it ready: a tap in a network namespace (VPC), or QEMU's own user
/// networking with the metadata address forwarded to the node's metadata socket (USER). The hypervisor only plugs it in.
/// </summary>
public sealed record VmNic(string Mac, string? Tap, string? Namespace, string? MetadataSocket, string? MetadataTag)
{
    /// <summary>QEMU user networking; the forwarder's command line carries <paramref name="metadataTag"/>, by which the metadata service knows the VM.</summary>
    public static VmNic User(string mac, string metadataSocket, string metadataTag) => new(mac, null, null, metadataSocket, metadataTag);

    /// <summary>A tap that exists in <paramref name="networkNamespace"/>; QEMU is started in that namespace to open it.</summary>
    public static VmNic TapIn(string mac, string tap, string networkNamespace) => new(mac, tap, networkNamespace, null, null);
}
