using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Nc.Drivers.Network;

/// <summary>
/// The seam between the node and the network its VMs sit on: it makes an interface's NIC ready before the VM starts
/// (the hypervisor only plugs it in, as Firecracker is handed a tap), removes it when the VM is gone, and applies the
/// zone's network view (security groups, public addresses, tunnel peers). Two drivers: USER (QEMU user networking,
/// no root) and VPC (namespaces, bridge, dnsmasq, nftables, VXLAN; docs/network-node.md).
/// </summary>
public interface INetworkDriver
{
    /// <summary>The interface mode it serves: "USER" or "VPC".</summary>
    string Mode { get; }

    /// <summary>Refuses (InvalidParameterValue) an interface this driver cannot make, before the node admits the launch.</summary>
    void Validate(NetworkInterface nic);

    /// <summary>Makes the instance's interface ready and returns its NIC; idempotent, so a restarted node calls it again for a running VM.</summary>
    Task<VmNic> PlugAsync(string instanceId, NetworkInterface nic, CancellationToken ct);

    /// <summary>Removes what <see cref="PlugAsync"/> made, once the VM is gone; idempotent.</summary>
    Task UnplugAsync(string instanceId, NetworkInterface nic, CancellationToken ct);

    /// <summary>Replaces the network view in force (an older version is ignored); returns the version in force.</summary>
    Task<long> ApplyViewAsync(NetworkView view, CancellationToken ct);

    /// <summary>The interface as it is in force now: the launch's, with the groups and public address the view gave it since.</summary>
    NetworkInterface InForce(NetworkInterface nic);

    /// <summary>After the node found its running VMs again: removes what no running VM uses (leftovers of a crash).</summary>
    Task RecoveredAsync(CancellationToken ct);

    /// <summary>At a stop of the node: removes what no running VM uses and lets go of the rest (running VMs keep their network).</summary>
    Task StopAsync(CancellationToken ct);
}
