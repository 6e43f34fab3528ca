using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Where a change the CLC stored about an interface (its groups, its elastic IP) reaches the data plane: the zone's CC,
/// which applies it on the node. An interface without a MAC has none there yet (USER mode, or the CC has not allocated
/// it): nothing is sent. The CLC's store is the desired state; a call that fails is logged, not undone.
/// </summary>
public sealed class InterfaceDataPlane(ClusterClient clusters, NetworkInterfaceStore interfaces, ILogger<InterfaceDataPlane> log)
{
    public Task SetGroupsAsync(ElasticNetworkInterface nic, CancellationToken ct) =>
        SendAsync(nic, "SetInterfaceGroups", () => clusters.SetInterfaceGroupsAsync(nic.Zone, nic.NetworkInterfaceId, nic.Groups.Select(g => g.GroupId), ct));

    public Task AssociateAsync(ElasticNetworkInterface nic, string publicIp, CancellationToken ct) =>
        SendAsync(nic, "AssociateAddress", () => clusters.AssociateAddressAsync(nic.Zone, nic.NetworkInterfaceId, publicIp, ct));

    /// <summary>Takes the elastic IP off; the pool address the CC gives the interface again (or none, the pool being empty) is recorded.</summary>
    public Task DisassociateAsync(ElasticNetworkInterface nic, string publicIp, CancellationToken ct) =>
        SendAsync(nic, "DisassociateAddress", async () =>
        {
            if (await clusters.DisassociateAddressAsync(nic.Zone, nic.NetworkInterfaceId, publicIp, ct) is { } now)
                await interfaces.SetPoolPublicIpAsync(nic.NetworkInterfaceId, now.PublicIp.Length > 0 ? now.PublicIp : null, ct);
        });

    private async Task SendAsync(ElasticNetworkInterface nic, string call, Func<Task> send)
    {
        if (nic.MacAddress is null || !clusters.Serves(nic.Zone))
            return;
        try
        {
            await send();
        }
        catch (ClusterException e)
        {
            log.LogWarning("{Call} of interface {InterfaceId} failed at the CC of {Zone}: {Code} {Message}", call, nic.NetworkInterfaceId, nic.Zone, e.Code, e.Message);
        }
    }
}
