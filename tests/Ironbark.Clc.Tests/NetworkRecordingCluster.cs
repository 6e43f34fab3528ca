using System.Collections.Concurrent;
using Grpc.Core;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Tests;

/// <summary>
/// A Cluster Controller with room for many instances and no real nodes: it runs what it is sent at once, terminates
/// on request, and keeps every interface change it is sent (groups, elastic IPs) in arrival order. With
/// <paramref name="allocates"/> it allocates a VPC launch's interface as the CC does (MAC, the subnet's next address, its
/// name, a pool address when asked) and answers it; without, it answers no interface, as a CC running USER mode.
/// </summary>
public sealed class NetworkRecordingCluster(bool allocates = false) : ClusterController.ClusterControllerBase
{
    private readonly ConcurrentDictionary<string, string> _states = new();
    private readonly ConcurrentDictionary<string, NetworkInterface> _interfaces = new();
    private readonly ConcurrentDictionary<string, string> _poolAddresses = new();
    private int _allocated;
    private long _sequence;
    private long _groupVersion;

    /// <summary>Each launch as it came, with its arrival number (counted with <see cref="GroupSets"/>).</summary>
    public ConcurrentQueue<(long Seq, RunInstanceRequest Request)> Launches { get; } = new();

    /// <summary>Each security-group set as it came, with its arrival number.</summary>
    public ConcurrentQueue<(long Seq, SecurityGroupSet Set)> GroupSets { get; } = new();

    public override Task<SecurityGroupSetApplied> PutSecurityGroups(SecurityGroupSet request, ServerCallContext context)
    {
        GroupSets.Enqueue((Interlocked.Increment(ref _sequence), request));
        lock (GroupSets)
            _groupVersion = Math.Max(_groupVersion, request.Version);
        return Task.FromResult(new SecurityGroupSetApplied { Version = Interlocked.Read(ref _groupVersion) });
    }

    /// <summary>While true, interface calls fail as with a CC that is down (UNAVAILABLE) and change nothing.</summary>
    public bool RefusesInterfaceCalls { get; set; }

    /// <summary>The instance's interface as allocated and changed since; null when none was allocated.</summary>
    public NetworkInterface? InterfaceOf(string instanceId) => _interfaces.GetValueOrDefault(instanceId)?.Clone();

    private void Refuse()
    {
        if (RefusesInterfaceCalls)
            throw new RpcException(new Status(StatusCode.Unavailable, "the recording cluster refuses interface calls"));
    }

    /// <summary>Applies a change to the allocated interface with this id, as the CC keeps it.</summary>
    private void Change(string interfaceId, Action<NetworkInterface> change)
    {
        foreach (var (instanceId, known) in _interfaces)
            if (known.InterfaceId == interfaceId)
            {
                var changed = known.Clone();
                change(changed);
                _interfaces[instanceId] = changed;
            }
    }

    /// <summary>"SetInterfaceGroups eni-… sg-a,sg-b", "AssociateAddress eni-… 198.51.100.1", "DisassociateAddress eni-… 198.51.100.1".</summary>
    public ConcurrentQueue<string> Calls { get; } = new();

    public override Task<ClusterResources> DescribeResources(DescribeResourcesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterResources
        {
            Cluster = "network-recording", PlacementPolicy = "GREEDY",
            Nodes = { new NodeResources { NodeId = "node-r", Url = "https://node-r", State = "up", CoresTotal = 64, CoresFree = 64, MemoryMibTotal = 65536, MemoryMibFree = 65536 } },
        });

    public override Task<ClusterInstance> RunInstance(RunInstanceRequest request, ServerCallContext context)
    {
        Launches.Enqueue((Interlocked.Increment(ref _sequence), request));
        if (allocates && request.Network is { Mode: "VPC" } asked)
            _interfaces.GetOrAdd(request.InstanceId, _ => Allocate(asked));
        return Task.FromResult(Report(request.InstanceId, _states.GetOrAdd(request.InstanceId, "running")));
    }

    private NetworkInterface Allocate(NetworkInterface asked)
    {
        var n = Interlocked.Increment(ref _allocated);
        var subnet = System.Net.IPNetwork.Parse(asked.SubnetCidr).BaseAddress;
        var ip = Plus(subnet, 3 + (uint)n); // after the subnet's reserved addresses, as the CC
        var allocated = asked.Clone();
        allocated.Mac = $"02:00:00:00:{n / 256:x2}:{n % 256:x2}";
        allocated.PrivateIp = ip;
        allocated.PrivateDnsName = $"ip-{ip.Replace('.', '-')}.{asked.DnsDomain}";
        allocated.GatewayIp = Plus(subnet, 1);
        if (asked.AssignPublicIp)
            _poolAddresses[asked.InterfaceId] = allocated.PublicIp = $"203.0.113.{n}";
        return allocated;
    }

    public override Task<ClusterInstance> TerminateInstance(InstanceRef request, ServerCallContext context)
    {
        _states[request.InstanceId] = "terminated";
        return Task.FromResult(Report(request.InstanceId, "terminated"));
    }

    public override Task<ClusterInstances> DescribeInstances(DescribeInstancesRequest request, ServerCallContext context) =>
        Task.FromResult(new ClusterInstances { Instances = { _states.Select(s => Report(s.Key, s.Value)) } });

    public override Task<NetworkInterface> SetInterfaceGroups(InterfaceGroups request, ServerCallContext context)
    {
        Refuse();
        Calls.Enqueue($"SetInterfaceGroups {request.InterfaceId} {string.Join(",", request.SecurityGroupIds)}");
        Change(request.InterfaceId, n =>
        {
            n.SecurityGroupIds.Clear();
            n.SecurityGroupIds.Add(request.SecurityGroupIds);
        });
        return Task.FromResult(new NetworkInterface { InterfaceId = request.InterfaceId });
    }

    public override Task<NetworkInterface> AssociateAddress(AddressAssociation request, ServerCallContext context)
    {
        Refuse();
        Calls.Enqueue($"AssociateAddress {request.InterfaceId} {request.PublicIp}");
        Change(request.InterfaceId, n => n.PublicIp = request.PublicIp);
        return Task.FromResult(Interface(request.InterfaceId, request.PublicIp));
    }

    public override Task<NetworkInterface> DisassociateAddress(AddressAssociation request, ServerCallContext context)
    {
        Refuse();
        Calls.Enqueue($"DisassociateAddress {request.InterfaceId} {request.PublicIp}");
        Change(request.InterfaceId, n =>
        {
            if (n.PublicIp == request.PublicIp)
                n.PublicIp = _poolAddresses.GetValueOrDefault(request.InterfaceId) ?? "";
        });
        return Task.FromResult(Interface(request.InterfaceId, _poolAddresses.GetValueOrDefault(request.InterfaceId) ?? ""));
    }

    private static string Plus(System.Net.IPAddress address, uint offset)
    {
        var value = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()) + offset;
        var bytes = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new System.Net.IPAddress(bytes).ToString();
    }

    /// <summary>The allocated interface with this public address now; without allocation, just its id.</summary>
    private NetworkInterface Interface(string interfaceId, string publicIp)
    {
        if (_interfaces.Values.FirstOrDefault(i => i.InterfaceId == interfaceId) is not { } known)
            return new NetworkInterface { InterfaceId = interfaceId, PublicIp = publicIp };
        var now = known.Clone();
        now.PublicIp = publicIp;
        return now;
    }

    private ClusterInstance Report(string instanceId, string state) => new()
    {
        Status = new InstanceStatus { InstanceId = instanceId, State = state, MetadataOptions = new MetadataOptions { HttpTokens = "optional", HttpPutResponseHopLimit = 1, HttpEndpoint = "enabled" } },
        NodeId = "node-r", NodeUp = true, Network = _interfaces.GetValueOrDefault(instanceId),
    };
}
