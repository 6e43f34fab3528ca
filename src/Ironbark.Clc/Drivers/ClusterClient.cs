using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Cc;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Common.Pki;
using Ironbark.Common.Rpc;

namespace Ironbark.Clc.Drivers;

/// <summary>
/// The CLC's calls to the Cluster Controller of each zone: gRPC over mutual TLS as the CLC's "clc"
/// certificate, trusting only the cloud CA. It takes and gives the CLC's own records: the CC's and NC's messages are
/// made and read here, and gRPC failures become <see cref="ClusterException"/>s here, once.
/// </summary>
public sealed class ClusterClient : IDisposable
{
    /// <summary>How long a launch may take at the CC (placement, image download by the NC, QEMU start).</summary>
    private static readonly TimeSpan LaunchDeadline = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, (GrpcChannel Channel, ClusterController.ClusterControllerClient Client)> _zones = new(StringComparer.Ordinal);

    public ClusterClient(ClcOptions options)
    {
        if (options.ClusterControllers.Count == 0)
            return;
        var pki = new CloudCertificates(Path.Combine(options.DataDir, "pki"));
        var certificate = pki.Load(ComponentRole.Clc);
        var ca = pki.LoadCa();
        foreach (var (zone, url) in options.ClusterControllers)
        {
            var handler = MutualTls.ClientHandler(certificate, ca, ComponentRole.Cc);
            handler.ConnectTimeout = TimeSpan.FromSeconds(5);
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            _zones[zone] = (channel, new ClusterController.ClusterControllerClient(channel));
        }
    }

    /// <summary>The zones that have a Cluster Controller (and so can run instances).</summary>
    public IReadOnlyCollection<string> Zones => _zones.Keys;

    public bool Serves(string zone) => _zones.ContainsKey(zone);

    public async Task<ZoneResources> DescribeResourcesAsync(string zone, CancellationToken ct) => ClusterWire.ToResources(
        await CallAsync(zone, c => c.DescribeResourcesAsync(new DescribeResourcesRequest(), deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync));

    /// <summary>Launches the instance (read with its launch record) in its zone, with the metadata options it has now.</summary>
    public async Task<InstanceReport> RunInstanceAsync(Instance instance, LaunchNetwork? network, CancellationToken ct) => ClusterWire.ToReport(
        await CallAsync(instance.Zone, c => c.RunInstanceAsync(LaunchWire.ToMessage(instance, network), deadline: Deadline(LaunchDeadline), cancellationToken: ct).ResponseAsync));

    public async Task<InstanceReport> TerminateInstanceAsync(string zone, string instanceId, CancellationToken ct) => ClusterWire.ToReport(
        await CallAsync(zone, c => c.TerminateInstanceAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync));

    public async Task<InstanceReport> RebootInstanceAsync(string zone, string instanceId, CancellationToken ct) => ClusterWire.ToReport(
        await CallAsync(zone, c => c.RebootInstanceAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync));

    public async Task<InstanceReport> ModifyInstanceMetadataOptionsAsync(string zone, string instanceId, InstanceMetadataOptions options, CancellationToken ct) =>
        ClusterWire.ToReport(await CallAsync(zone, c => c.ModifyInstanceMetadataOptionsAsync(
            new ModifyInstanceMetadataOptionsRequest { InstanceId = instanceId, MetadataOptions = MetadataOptionsWire.ToMessage(options) },
            deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync));

    /// <summary>The last 64 KiB of the instance's serial console, and when the node read it (Unix ms).</summary>
    public async Task<(byte[] Output, long TimestampMs)> GetConsoleOutputAsync(string zone, string instanceId, CancellationToken ct)
    {
        var console = await CallAsync(zone, c => c.GetConsoleOutputAsync(new InstanceRef { InstanceId = instanceId }, deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync);
        return (console.Output.ToByteArray(), console.TimestampMs);
    }

    public async Task<IReadOnlyList<InstanceReport>> DescribeInstancesAsync(string zone, CancellationToken ct) =>
        (await CallAsync(zone, c => c.DescribeInstancesAsync(new DescribeInstancesRequest(), deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync))
        .Instances.Select(ClusterWire.ToReport).ToList();

    /// <summary>Puts the interface in these security groups on its node (SetInterfaceGroups).</summary>
    public async Task SetInterfaceGroupsAsync(string zone, string interfaceId, IEnumerable<string> groupIds, CancellationToken ct) =>
        await CallAsync(zone, c => c.SetInterfaceGroupsAsync(new InterfaceGroups { InterfaceId = interfaceId, SecurityGroupIds = { groupIds } },
            deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync);

    /// <summary>Maps the elastic IP 1:1 to the interface on its node, in place of its pool address.</summary>
    public async Task AssociateAddressAsync(string zone, string interfaceId, string publicIp, CancellationToken ct) =>
        await CallAsync(zone, c => c.AssociateAddressAsync(new AddressAssociation { InterfaceId = interfaceId, PublicIp = publicIp },
            deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync);

    /// <summary>
    /// Takes the elastic IP off the interface; returns the interface as the CC has it now (with a pool address again, if it
    /// had one at launch and the pool is not empty), or null when the CC answered no VPC interface.
    /// </summary>
    public async Task<InterfaceAllocation?> DisassociateAddressAsync(string zone, string interfaceId, string publicIp, CancellationToken ct) =>
        ClusterWire.ToAllocationOrNull(await CallAsync(zone, c => c.DisassociateAddressAsync(new AddressAssociation { InterfaceId = interfaceId, PublicIp = publicIp },
            deadline: Deadline(CallDeadline), cancellationToken: ct).ResponseAsync));

    /// <summary>Replaces the security groups the zone's CC enforces (all accounts'); returns the version the CC holds now (an older one is ignored there).</summary>
    public async Task<long> PutSecurityGroupsAsync(string zone, long version, IEnumerable<SecurityGroup> groups, CancellationToken ct) =>
        (await CallAsync(zone, c => c.PutSecurityGroupsAsync(ClusterWire.ToGroupSet(version, groups), deadline: Deadline(CallDeadline), cancellationToken: ct)
            .ResponseAsync)).Version;

    private async Task<T> CallAsync<T>(string zone, Func<ClusterController.ClusterControllerClient, Task<T>> call)
    {
        if (!_zones.TryGetValue(zone, out var cc))
            throw new ClusterException(ClusterFailure.Unavailable, "Unavailable", $"No Cluster Controller serves the availability zone '{zone}'.");
        try
        {
            return await call(cc.Client);
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            var failure = ErrorCodec.Decode(e);
            throw failure.Kind switch
            {
                ErrorKind.NotFound => new ClusterException(ClusterFailure.NotFound, failure.Code ?? "InvalidInstanceID.NotFound", failure.Message),
                ErrorKind.Capacity => new ClusterException(ClusterFailure.Capacity, failure.Code ?? "InsufficientInstanceCapacity", failure.Message),
                ErrorKind.Unavailable =>
                    new ClusterException(ClusterFailure.Unavailable, "Unavailable", $"The cluster of zone '{zone}' is not reachable now: {failure.Message}"),
                _ => new ClusterException(ClusterFailure.Refused, failure.Code ?? "InternalError", failure.Message),
            };
        }
    }

    private static DateTime Deadline(TimeSpan after) => DateTime.UtcNow.Add(after);

    public void Dispose()
    {
        foreach (var (channel, _) in _zones.Values)
            channel.Dispose();
    }
}
