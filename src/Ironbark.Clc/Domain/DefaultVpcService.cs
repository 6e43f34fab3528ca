using System.Collections.Concurrent;
using Ironbark.Clc.Store;
using Ironbark.Common.Ids;
using Microsoft.Extensions.Logging;

namespace Ironbark.Clc.Domain;

/// <summary>
/// Every account's default VPC, made the first time the account needs it (a VPC describe, a security group call, a launch):
/// the VPC, a default subnet per zone, the main route table, the internet gateway, the DHCP options and the "default"
/// security group, written in one transaction so concurrent first calls make exactly one (docs/vpc.md).
/// </summary>
public sealed class DefaultVpcService(ClcOptions options, RegionDirectory region, VpcStore store, SecurityGroupPublisher publisher, TimeProvider time,
    ILogger<DefaultVpcService> log)
{
    private readonly ConcurrentDictionary<string, DefaultVpc> _known = new();

    /// <summary>The account's default VPC, made now if it has none. Its ids never change; its tags may be stale (use <see cref="CurrentAsync"/> to describe).</summary>
    public async Task<DefaultVpc> EnsureAsync(string accountId, CancellationToken ct) =>
        _known.TryGetValue(accountId, out var known) ? known : await CurrentAsync(accountId, ct);

    /// <summary>The account's default VPC as stored now, tags included; made first when the account has none.</summary>
    public async Task<DefaultVpc> CurrentAsync(string accountId, CancellationToken ct) => (await CreateOrReadAsync(accountId, ct)).Vpc;

    /// <summary>The account's default VPC as stored now, and whether this call made it (CreateDefaultVpc); of concurrent first calls, one makes it.</summary>
    public async Task<(DefaultVpc Vpc, bool Created)> CreateOrReadAsync(string accountId, CancellationToken ct)
    {
        var vpc = await store.FindDefaultAsync(accountId, ct);
        var created = false;
        if (vpc is null)
        {
            var plan = Plan(accountId);
            created = await store.TryCreateDefaultAsync(plan, DefaultSecurityGroup.For(accountId, plan.Vpc.VpcId, plan.Vpc.CreatedMs), ct);
            if (created)
            {
                publisher.Changed(); // its "default" group
                log.LogInformation("Default VPC {VpcId} ({Cidr}) made for account {AccountId}, with {Subnets} default subnets",
                    plan.Vpc.VpcId, plan.Vpc.CidrBlock, accountId, plan.Subnets.Count);
            }
            vpc = await store.FindDefaultAsync(accountId, ct) ?? throw new InvalidOperationException($"The default VPC of account {accountId} was not stored.");
        }
        var missing = MissingSubnets(vpc);
        if (missing.Count > 0)
        {
            await store.AddSubnetsAsync(accountId, missing, ct);
            log.LogInformation("Default VPC {VpcId} of account {AccountId}: default subnets for zones {Zones}", vpc.Vpc.VpcId, accountId,
                string.Join(", ", missing.Select(s => s.Zone)));
            vpc = (await store.FindDefaultAsync(accountId, ct))!;
        }
        foreach (var subnet in vpc.Subnets)
        {
            subnet.ZoneId = region.Zones.FirstOrDefault(z => z.Name == subnet.Zone)?.Id;
            subnet.Arn = $"arn:aws:ec2:{options.Region}:{accountId}:subnet/{subnet.SubnetId}";
        }
        _known[accountId] = vpc;
        return (vpc, created);
    }

    /// <summary>The account's subnet with this id (InvalidSubnetID.NotFound or .Malformed when it has none).</summary>
    public async Task<Subnet> SubnetAsync(string accountId, string subnetId, CancellationToken ct) =>
        (await EnsureAsync(accountId, ct)).Subnets.FirstOrDefault(s => s.SubnetId == subnetId) ?? throw VpcService.SubnetNotFound(subnetId);

    /// <summary>Gives each instance (all of the account) the VPC and the default subnet of its zone.</summary>
    public async Task PlaceAsync(string accountId, IEnumerable<Instance> instances, CancellationToken ct)
    {
        var vpc = await EnsureAsync(accountId, ct);
        foreach (var instance in instances)
        {
            instance.VpcId = vpc.Vpc.VpcId;
            instance.SubnetId = vpc.SubnetIn(instance.Zone)?.SubnetId;
        }
    }

    private DefaultVpc Plan(string accountId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var vpcId = ResourceId.New(Vpc.IdPrefix);
        var dhcp = new DhcpOptions
        {
            DhcpOptionsId = ResourceId.New(DhcpOptions.IdPrefix), AccountId = accountId, DomainName = $"{options.Region}.compute.internal",
            DomainNameServers = DhcpOptions.AmazonProvidedDns, CreatedMs = now,
        };
        var vpc = new Vpc
        {
            VpcId = vpcId, AccountId = accountId, CidrBlock = options.DefaultVpcCidr, CidrAssociationId = ResourceId.New(Vpc.CidrAssociationPrefix),
            IsDefault = true, DhcpOptionsId = dhcp.DhcpOptionsId, CreatedMs = now,
        };
        var gateway = new InternetGateway { InternetGatewayId = ResourceId.New(InternetGateway.IdPrefix), AccountId = accountId, VpcId = vpcId, CreatedMs = now };
        var table = new RouteTable
        {
            RouteTableId = ResourceId.New(RouteTable.IdPrefix), AccountId = accountId, VpcId = vpcId,
            MainAssociationId = ResourceId.New(RouteTable.AssociationPrefix), CreatedMs = now,
            Routes = [new Route(options.DefaultVpcCidr, Route.Local), new Route("0.0.0.0/0", gateway.InternetGatewayId)],
        };
        var empty = new DefaultVpc(vpc, [], table, gateway, dhcp);
        return empty with { Subnets = MissingSubnets(empty) };
    }

    /// <summary>
    /// A default subnet for each configured zone the VPC has none in: zone i (in configuration order) gets the i-th /20 of the
    /// VPC, or the first free one when that is taken (zones reordered or removed since).
    /// </summary>
    private List<Subnet> MissingSubnets(DefaultVpc vpc)
    {
        Ipv4Block.TryParse(vpc.Vpc.CidrBlock, out var block);
        var taken = vpc.Subnets.Select(s => s.CidrBlock).ToHashSet(StringComparer.Ordinal);
        var slots = (int)(block.Size / Ipv4Block.DefaultSubnetSize);
        var added = new List<Subnet>();
        var zones = options.AvailabilityZones;
        for (var i = 0; i < zones.Count; i++)
        {
            if (vpc.SubnetIn(zones[i]) is not null)
                continue;
            var slot = i < slots && !taken.Contains(block.Child(i, Ipv4Block.DefaultSubnetPrefix).ToString())
                ? i
                : Enumerable.Range(0, slots).Where(s => !taken.Contains(block.Child(s, Ipv4Block.DefaultSubnetPrefix).ToString())).DefaultIfEmpty(-1).First();
            if (slot < 0)
            {
                // A VPC made under a smaller DefaultVpcCidr than today's zones need: the zone stays without a default subnet.
                log.LogWarning("Default VPC {VpcId} ({Cidr}) has no free /20 for zone {Zone}", vpc.Vpc.VpcId, vpc.Vpc.CidrBlock, zones[i]);
                continue;
            }
            var cidr = block.Child(slot, Ipv4Block.DefaultSubnetPrefix).ToString();
            taken.Add(cidr);
            added.Add(new Subnet
            {
                SubnetId = ResourceId.New(Subnet.IdPrefix), AccountId = vpc.Vpc.AccountId, VpcId = vpc.Vpc.VpcId, Zone = zones[i], CidrBlock = cidr,
                DefaultForAz = true, MapPublicIpOnLaunch = true, CreatedMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            });
        }
        return added;
    }
}
