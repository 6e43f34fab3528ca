using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Nc.Drivers.Network;

/// <summary>
/// USER mode: QEMU's user networking (slirp) per VM, no root needed. Each guest is alone at 169.254.169.15 with the
/// metadata address forwarded to the node's metadata socket; no VM-to-VM traffic, no security groups, no public
/// address. The fallback, documented with its limits in docs/network-node.md; on a node without the VPC driver it also
/// serves VPC interfaces, with the MAC the CC gave them (the guest's address stays 169.254.169.15).
/// </summary>
public sealed class UserNetworkDriver(string metadataSocket) : INetworkDriver
{
    public string Mode => "USER";

    /// <summary>Only the mode is read under USER networking (the MAC and address are QEMU's own).</summary>
    public void Validate(NetworkInterface nic)
    {
    }

    public Task<VmNic> PlugAsync(string instanceId, NetworkInterface nic, CancellationToken ct) =>
        Task.FromResult(VmNic.User(nic is { Mode: "VPC", Mac.Length: > 0 } ? nic.Mac : MacFor(instanceId), metadataSocket, ForwarderTag + instanceId));

    public Task UnplugAsync(string instanceId, NetworkInterface nic, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Nothing to enforce: the view is acknowledged so that a CC pushing to every node is answered.</summary>
    public Task<long> ApplyViewAsync(NetworkView view, CancellationToken ct) => Task.FromResult(view.Version);

    public NetworkInterface InForce(NetworkInterface nic) => nic;

    public Task RecoveredAsync(CancellationToken ct) => Task.CompletedTask;

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Names the instance in the command line of its metadata forwarder, by which the metadata service knows it.</summary>
    public const string ForwarderTag = "ironbark-metadata-";

    /// <summary>A stable, locally administered MAC per instance (d0:0d: as Eucalyptus did).</summary>
    public static string MacFor(string instanceId)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(instanceId));
        return $"d0:0d:{hash[0]:x2}:{hash[1]:x2}:{hash[2]:x2}:{hash[3]:x2}";
    }
}
