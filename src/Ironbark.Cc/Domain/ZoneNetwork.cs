using Ironbark.Cc.Store;
using Ironbark.Common.Rpc;
using Microsoft.Extensions.Logging;

namespace Ironbark.Cc.Domain;

/// <summary>
/// The zone's VM network as the CC owns it: allocates each VPC launch's interface, keeps it in the store, changes
/// groups and elastic IPs, frees it all at terminate, and after every change has the nodes' views pushed.
/// </summary>
public sealed class ZoneNetwork(CcOptions options, InterfaceStore interfaces, SecurityGroupStore groups, NetworkViewPublisher publisher,
    ILogger<ZoneNetwork> log)
{
    private readonly PublicAddressPool _pool = PublicAddressPool.Parse(options.PublicAddresses);

    /// <summary>
    /// The launch with its VPC interface allocated, or, for an instance the CC knows already (a retried launch), as
    /// allocated before; a USER-mode launch as it is.
    /// </summary>
    public async Task<InstanceLaunch> AllocateAsync(InstanceLaunch launch, CancellationToken ct)
    {
        if (launch.Network is not { IsVpc: true } network)
            return launch;
        var asked = Validate(network, launch.InstanceId);
        var domain = asked.DnsDomain.Length > 0 ? asked.DnsDomain : options.DnsDomain;
        var allocated = await interfaces.AllocateAsync(asked with { InstanceId = launch.InstanceId }, domain, _pool, ct);
        if (asked.AssignPublicIp && allocated.PublicIp.Length == 0)
            log.LogWarning("The public address pool of {Cluster} is empty: instance {InstanceId} is launched without a public address",
                options.Cluster, launch.InstanceId);
        return With(launch, allocated);
    }

    /// <summary>Records the node an allocated VPC launch is sent to, so the nodes' views place its interface there.</summary>
    public async Task<InstanceLaunch> PlaceAsync(InstanceLaunch launch, string nodeUrl, CancellationToken ct)
    {
        if (launch.Network?.Vpc is not { } allocated || allocated.NodeUrl == nodeUrl)
            return launch;
        var placed = await interfaces.PlaceAsync(launch.InstanceId, nodeUrl, ct) ?? allocated with { NodeUrl = nodeUrl };
        publisher.Changed();
        return With(launch, placed);
    }

    private static InstanceLaunch With(InstanceLaunch launch, VpcInterface allocated) =>
        launch with { Network = launch.Network! with { Mac = allocated.Mac, PrivateIp = allocated.PrivateIp, Vpc = allocated } };

    /// <summary>The VPC interfaces of these instances, by instance id.</summary>
    public async Task<IReadOnlyDictionary<string, VpcInterface>> FindAsync(IReadOnlyCollection<string> instanceIds, CancellationToken ct)
    {
        if (instanceIds.Count == 0)
            return new Dictionary<string, VpcInterface>();
        return (await interfaces.ListAsync(instanceIds, ct)).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
    }

    /// <summary>Every VPC interface of the zone, by instance id.</summary>
    public async Task<IReadOnlyDictionary<string, VpcInterface>> AllAsync(CancellationToken ct) =>
        (await interfaces.ListAsync(ct: ct)).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);

    /// <summary>Frees what the instance held (its private address, its pool address; an elastic IP's mapping is forgotten).</summary>
    public async Task ReleaseAsync(string instanceId, CancellationToken ct)
    {
        if (await interfaces.ReleaseAsync(instanceId, ct) is { } released)
        {
            log.LogInformation("Instance {InstanceId} released {PrivateIp} and public address '{PublicIp}' of interface {InterfaceId}",
                instanceId, released.PrivateIp, released.PublicIp, released.InterfaceId);
            publisher.Changed();
        }
    }

    public async Task<long> PutSecurityGroupsAsync(long version, IReadOnlyList<SecurityGroupDefinition> definitions, CancellationToken ct)
    {
        foreach (var g in definitions)
            CheckGroupId(g.GroupId);
        var duplicate = definitions.GroupBy(g => g.GroupId).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw CcException.Invalid("InvalidParameterValue", $"The security group {duplicate.Key} is defined more than once.");
        var (inForce, taken) = await groups.ReplaceAsync(version, definitions, ct);
        if (taken)
            publisher.Changed();
        else
            log.LogInformation("Security groups of version {Version} ignored: version {InForce} is in force", version, inForce);
        return inForce;
    }

    public async Task<VpcInterface> SetGroupsAsync(string interfaceId, IReadOnlyList<string> groupIds, CancellationToken ct)
    {
        if (groupIds.Count == 0)
            throw CcException.Invalid("MissingParameter", "An interface needs at least one security group.");
        foreach (var id in groupIds)
            CheckGroupId(id);
        var changed = await interfaces.SetGroupsAsync(interfaceId, [.. groupIds.Distinct(StringComparer.Ordinal)], ct) ?? throw NoInterface(interfaceId);
        publisher.Changed();
        return changed;
    }

    public async Task<VpcInterface> AssociateAsync(string interfaceId, string elasticIp, CancellationToken ct)
    {
        CheckElastic(elasticIp);
        var (associated, previous) = await interfaces.AssociateAsync(interfaceId, elasticIp, _pool, ct) ?? throw NoInterface(interfaceId);
        if (previous is not null)
            log.LogInformation("Elastic IP {PublicIp} moved from interface {From} to {To}", elasticIp, previous.InterfaceId, interfaceId);
        publisher.Changed();
        return associated;
    }

    public async Task<VpcInterface> DisassociateAsync(string interfaceId, string elasticIp, CancellationToken ct)
    {
        CheckElastic(elasticIp);
        var result = await interfaces.DisassociateAsync(interfaceId, elasticIp, _pool, ct) ?? throw NoInterface(interfaceId);
        publisher.Changed();
        return result;
    }

    private void CheckElastic(string elasticIp)
    {
        if (string.IsNullOrEmpty(elasticIp))
            throw CcException.Invalid("MissingParameter", "The request must name the elastic IP (public_ip).");
        if (!Ipv4.TryParse(elasticIp, out _))
            throw CcException.Invalid("InvalidParameterValue", $"'{elasticIp}' is not an IPv4 address.");
        if (_pool.Covers(elasticIp))
            throw CcException.Invalid("InvalidParameterValue",
                $"{elasticIp} is an address of {options.Cluster}'s public pool ({options.PublicAddresses}), not an elastic IP.");
    }

    private static void CheckGroupId(string id)
    {
        if (!id.StartsWith("sg-", StringComparison.Ordinal))
            throw CcException.Invalid("InvalidGroupId.Malformed", $"'{id}' is not a security group id (sg-…).");
    }

    private static CcException NoInterface(string interfaceId) =>
        new("InvalidNetworkInterfaceID.NotFound", $"The network interface '{interfaceId}' does not exist in this cluster", ErrorKind.NotFound);

    private static VpcInterface Validate(NetworkAttachment network, string instanceId)
    {
        var asked = network.Vpc ?? throw CcException.Invalid("InvalidParameterValue", $"Instance {instanceId}: mode VPC without an interface.");
        foreach (var (name, value) in new[] { ("interface_id", asked.InterfaceId), ("vpc_id", asked.VpcId), ("subnet_id", asked.SubnetId),
                     ("subnet_cidr", asked.SubnetCidr) })
            if (string.IsNullOrEmpty(value))
                throw CcException.Invalid("MissingParameter", $"Instance {instanceId}: a VPC interface needs {name}.");
        if (!asked.InterfaceId.StartsWith("eni-", StringComparison.Ordinal))
            throw CcException.Invalid("InvalidNetworkInterfaceID.Malformed", $"'{asked.InterfaceId}' is not a network interface id (eni-…).");
        var subnet = SubnetAddresses.Parse(asked.SubnetCidr);
        if (asked.VpcCidr.Length > 0 && !subnet.IsInside(asked.VpcCidr))
            throw CcException.Invalid("InvalidParameterValue", $"The subnet {asked.SubnetCidr} is not inside the VPC's {asked.VpcCidr}.");
        return asked;
    }
}
