using Ironbark.Clc.Store;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// The network side of a launch: what the zone's CC is asked for the instance's primary interface (its VPC and subnet,
/// its groups, a pool address when the subnet maps one on launch), and what the CLC records of the CC's answer (MAC,
/// private address and name, pool address) before the instance shows running. A group change stored while the launch
/// was on its way found no MAC and was not sent (<see cref="InterfaceDataPlane"/>): it is sent once the MAC is recorded.
/// The reconcile loop brings back in step an interface whose groups or elastic IP the CC missed (<see cref="ReconcileAsync"/>).
/// </summary>
public sealed class LaunchNetworking(ClcOptions options, DefaultVpcService vpcs, NetworkInterfaceStore interfaces, InterfaceDataPlane dataPlane,
    SecurityGroupPublisher groups, ILogger<LaunchNetworking> log)
{
    private readonly AddressRange _elasticIps = AddressRange.Parse(options.ElasticIpRange);

    /// <summary>
    /// The VPC interface to ask for, after the zone's CC was sent the latest security groups; null for an instance without
    /// a primary interface in a default subnet (launched in USER mode).
    /// </summary>
    public async Task<LaunchNetwork?> PrepareAsync(Instance instance, CancellationToken ct)
    {
        var nic = instance.PrimaryInterface ?? await interfaces.FindPrimaryAsync(instance.AccountId, instance.InstanceId, ct);
        if (nic?.SubnetId is not { } subnetId)
            return null;
        var vpc = await vpcs.EnsureAsync(instance.AccountId, ct);
        if (vpc.Subnets.FirstOrDefault(s => s.SubnetId == subnetId) is not { } subnet)
        {
            log.LogWarning("Interface {InterfaceId} is in subnet {SubnetId}, not one of the default VPC's: launched in USER mode", nic.NetworkInterfaceId, subnetId);
            return null;
        }
        await groups.EnsurePublishedAsync(instance.Zone, ct);
        return new LaunchNetwork(nic.NetworkInterfaceId, vpc.Vpc.VpcId, subnet.SubnetId, vpc.Vpc.CidrBlock, subnet.CidrBlock,
            nic.Groups.Select(g => g.GroupId).ToList(), subnet.MapPublicIpOnLaunch, vpc.DhcpOptions.DomainName);
    }

    /// <summary>
    /// Compares a running instance's interface as the CLC stores it with the CC's report and sends what the CC missed (a
    /// call that failed, a CC that was down): an allocation not recorded is recorded; other groups are sent again; an
    /// elastic IP associated is associated again, one disassociated is disassociated; a pool address the CC changed is
    /// recorded.
    /// </summary>
    public async Task ReconcileAsync(ElasticNetworkInterface nic, InterfaceAllocation reported, CancellationToken ct)
    {
        if (nic.MacAddress is null)
        {
            await RecordAsync(nic.AccountId, nic.InstanceId!, reported.GroupIds, reported, ct);
            return;
        }
        if (!nic.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal).SequenceEqual(reported.GroupIds.Order(StringComparer.Ordinal)))
        {
            log.LogInformation("Interface {InterfaceId}: the CC has groups {Reported}, sending {Stored}", nic.NetworkInterfaceId,
                string.Join(",", reported.GroupIds), string.Join(",", nic.Groups.Select(g => g.GroupId)));
            await dataPlane.SetGroupsAsync(nic, ct);
        }
        if (nic.ElasticAddress is { } eip)
        {
            if (reported.PublicIp != eip.PublicIp)
            {
                log.LogInformation("Interface {InterfaceId}: the CC maps {Reported}, associating {ElasticIp} again", nic.NetworkInterfaceId, reported.PublicIp, eip.PublicIp);
                await dataPlane.AssociateAsync(nic, eip.PublicIp, ct);
            }
        }
        else if (reported.PublicIp.Length > 0 && _elasticIps.Contains(reported.PublicIp))
        {
            log.LogInformation("Interface {InterfaceId}: the CC still maps elastic IP {ElasticIp}, disassociating it", nic.NetworkInterfaceId, reported.PublicIp);
            await dataPlane.DisassociateAsync(nic, reported.PublicIp, ct);
        }
        else if (reported.PublicIp != (nic.PoolPublicIp ?? ""))
            await interfaces.SetPoolPublicIpAsync(nic.NetworkInterfaceId, reported.PublicIp.Length > 0 ? reported.PublicIp : null, ct);
    }

    /// <summary>
    /// Records the CC's allocation of the instance's primary interface, then sends the groups it has now unless they are
    /// <paramref name="sentGroups"/> (null: not known, sent anyway). Nothing happens for an interface that is gone (terminated).
    /// </summary>
    public async Task RecordAsync(string accountId, string instanceId, IReadOnlyList<string>? sentGroups, InterfaceAllocation allocated, CancellationToken ct)
    {
        if (await interfaces.FindPrimaryAsync(accountId, instanceId, ct) is not { } nic)
            return;
        // The CC's public address is the pool's unless it is the elastic IP associated already (an answer to a retried launch).
        var poolIp = allocated.PublicIp.Length == 0 || allocated.PublicIp == nic.ElasticAddress?.PublicIp ? null : allocated.PublicIp;
        var name = allocated.PrivateDnsName.Length > 0 ? allocated.PrivateDnsName : null;
        if (!await interfaces.RecordAllocationAsync(nic.NetworkInterfaceId, allocated.MacAddress, allocated.PrivateIpAddress, name, poolIp, ct))
            return;
        log.LogInformation("Interface {InterfaceId} of {InstanceId}: {Mac} {PrivateIp}, public {PublicIp}", nic.NetworkInterfaceId, instanceId,
            allocated.MacAddress, allocated.PrivateIpAddress, poolIp ?? "none");
        if (await interfaces.FindPrimaryAsync(accountId, instanceId, ct) is not { } now)
            return;
        if (sentGroups is null || !now.Groups.Select(g => g.GroupId).SequenceEqual(sentGroups))
            await dataPlane.SetGroupsAsync(now, ct);
        if (now.ElasticAddress is { } eip && eip.PublicIp != allocated.PublicIp)
            await dataPlane.AssociateAsync(now, eip.PublicIp, ct);
    }
}
