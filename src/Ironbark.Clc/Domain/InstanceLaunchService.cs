using System.Collections.Concurrent;
using Ironbark.Clc.Drivers;
using Ironbark.Clc.Store;
using Ironbark.Common.Ids;

namespace Ironbark.Clc.Domain;

/// <summary>
/// RunInstances: checks everything a launch names (image, kernel, ramdisk, type, key, groups, zone),
/// the account's instance limit and the zone's free capacity, stores the reservation as pending, and
/// hands it to the dispatcher, which launches through the zone's CC.
/// </summary>
public sealed class InstanceLaunchService(ClcOptions options, InstanceStore store, ImageStore images, KeyPairStore keyPairs,
    SecurityGroupService groups, DefaultVpcService vpcs, ClusterClient clusters, InstanceDispatcher dispatcher, TimeProvider time)
{
    public const int MaxUserDataBytes = 16 * 1024;

    private readonly ConcurrentDictionary<string, SemaphoreSlim> _admissions = new();

    /// <summary>Launches into the default subnet of the zone, in the account's default VPC (made first if this is its first use).</summary>
    public async Task<IReadOnlyList<Instance>> RunAsync(string accountId, LaunchRequest request, CancellationToken ct)
    {
        var launched = await LaunchAsync(accountId, request, ct);
        await vpcs.PlaceAsync(accountId, launched, ct);
        return launched;
    }

    private async Task<IReadOnlyList<Instance>> LaunchAsync(string accountId, LaunchRequest request, CancellationToken ct)
    {
        if (request.ClientToken is { } token)
        {
            if (token.Length > 64)
                throw Ec2Exception.InvalidParameterValue("The client token must be at most 64 characters long.");
            var earlier = await store.FindByClientTokenAsync(accountId, token, ct);
            if (earlier.Count > 0)
                return SameLaunch(earlier[0], request) ? earlier : throw new Ec2Exception("IdempotentParameterMismatch",
                    $"The client token '{token}' was used before with different parameters.");
        }
        var type = options.InstanceTypes.FirstOrDefault(t => t.Name == request.InstanceType)
                   ?? throw Ec2Exception.InvalidParameterValue($"Invalid value '{request.InstanceType}' for InstanceType.");
        if (request.MinCount < 1 || request.MaxCount < 1)
            throw Ec2Exception.InvalidParameterValue("MinCount and MaxCount must be at least 1.");
        if (request.MinCount > request.MaxCount)
            throw Ec2Exception.InvalidParameterValue($"MinCount ({request.MinCount}) must not be greater than MaxCount ({request.MaxCount}).");
        if (request.UserData.Length > MaxUserDataBytes)
            throw Ec2Exception.InvalidParameterValue($"User data is limited to {MaxUserDataBytes} bytes.");
        if (request.ShutdownBehavior is not ("stop" or "terminate"))
            throw Ec2Exception.InvalidParameterValue($"Value ({request.ShutdownBehavior}) for parameter instanceInitiatedShutdownBehavior is invalid. Expected 'stop' or 'terminate'.");
        var metadataOptions = InstanceMetadataOptions.Default.With(request.MetadataOptions.Validate());
        var subnetZone = request.SubnetId is { } subnetId ? (await vpcs.SubnetAsync(accountId, subnetId, ct)).Zone : null;
        if (subnetZone is not null && request.Zone is not null && request.Zone != subnetZone)
            throw Ec2Exception.InvalidParameterValue($"The subnet {request.SubnetId} is in {subnetZone}, not in the availability zone {request.Zone} asked for.");
        var zone = subnetZone ?? request.Zone ?? options.AvailabilityZones.FirstOrDefault(clusters.Serves) ?? options.AvailabilityZones[0];
        if (!options.AvailabilityZones.Contains(zone))
            throw Ec2Exception.InvalidParameterValue($"Invalid availability zone: [{zone}]");

        var (image, kernel, ramdisk) = await ImagesAsync(accountId, request, ct);
        var keyPair = request.KeyName is null ? null
            : (await keyPairs.ListAsync(accountId, ct)).FirstOrDefault(k => k.KeyName == request.KeyName)
              ?? throw new Ec2Exception("InvalidKeyPair.NotFound", $"The key pair '{request.KeyName}' does not exist");
        var inGroups = request.GroupNames.Count + request.GroupIds.Count == 0
            ? await groups.DescribeAsync(accountId, [SecurityGroup.DefaultName], [], [], ct)
            : await groups.DescribeAsync(accountId, request.GroupNames, request.GroupIds, [], ct);

        // One admission at a time per zone: the room one call sees must include what the call before it took.
        var admission = _admissions.GetOrAdd(zone, _ => new SemaphoreSlim(1, 1));
        await admission.WaitAsync(ct);
        try
        {
            return await AdmitAsync(accountId, request, type, zone, image, kernel, ramdisk, keyPair, inGroups, metadataOptions, ct);
        }
        finally
        {
            admission.Release();
        }
    }

    private async Task<IReadOnlyList<Instance>> AdmitAsync(string accountId, LaunchRequest request, InstanceTypeSpec type, string zone, Image image,
        Image kernel, Image? ramdisk, KeyPair? keyPair, IReadOnlyList<SecurityGroup> inGroups, InstanceMetadataOptions metadataOptions, CancellationToken ct)
    {
        var live = await store.CountLiveAsync(accountId, ct);
        var allowed = options.MaxInstancesPerAccount - live;
        if (allowed < request.MinCount)
            throw new Ec2Exception("InstanceLimitExceeded",
                $"Your quota allows for {Math.Max(0, allowed)} more running instance(s). You requested at least {request.MinCount}.");
        var room = await RoomAsync(zone, type, ct);
        if (room < request.MinCount)
            throw new Ec2Exception("InsufficientInstanceCapacity",
                $"There is not enough free capacity in zone {zone} for {request.MinCount} instance(s) of type {type.Name} (room for {room}).");
        var count = Math.Min(request.MaxCount, Math.Min(allowed, room));

        var reservationId = ResourceId.New(Instance.ReservationPrefix);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var groupRefs = inGroups.Select(g => new GroupRef(g.GroupId, g.GroupName)).ToList();
        var launch = new InstanceLaunch(type.VCpus, type.MemoryMiB, LaunchImage.Of(image), LaunchImage.Of(kernel),
            ramdisk is null ? null : LaunchImage.Of(ramdisk), keyPair?.PublicKey, request.UserData, groupRefs.Select(g => g.GroupName).ToList());
        var instances = Enumerable.Range(0, count).Select(index => new Instance
        {
            InstanceId = ResourceId.New(Instance.IdPrefix), ReservationId = reservationId, AccountId = accountId, ImageId = image.ImageId,
            KernelId = kernel.ImageId, RamdiskId = ramdisk?.ImageId, InstanceType = type.Name, KeyName = keyPair?.KeyName, Zone = zone,
            LaunchIndex = index, ClientToken = request.ClientToken, DisableApiTermination = request.DisableApiTermination,
            ShutdownBehavior = request.ShutdownBehavior, LaunchMs = now, Launch = launch, Groups = groupRefs, Tags = request.Tags,
            HttpTokens = metadataOptions.HttpTokens, HttpPutResponseHopLimit = metadataOptions.HttpPutResponseHopLimit,
            HttpEndpoint = metadataOptions.HttpEndpoint,
        }).ToList();
        // In the default subnet of its zone (docs/vpc.md); the CC gives the MAC and private address at launch.
        await vpcs.PlaceAsync(accountId, instances, ct);
        foreach (var instance in instances)
        {
            instance.PrimaryInterface = ElasticNetworkInterface.PrimaryOf(instance, instance.VpcId, instance.SubnetId);
            instance.PrimaryInterface.Tags = request.InterfaceTags;
        }
        var stored = await store.TryInsertAsync(instances, ct);
        if (stored is null) // a concurrent call with the same client token won
            return await store.FindByClientTokenAsync(accountId, request.ClientToken!, ct);
        dispatcher.Launch(stored);
        return stored;
    }

    /// <summary>The machine image and the kernel and ramdisk it boots with; each must be visible to the account.</summary>
    private async Task<(Image Image, Image Kernel, Image? Ramdisk)> ImagesAsync(string accountId, LaunchRequest request, CancellationToken ct)
    {
        if (!ResourceId.IsValid(request.ImageId, Image.MachinePrefix))
            throw new Ec2Exception("InvalidAMIID.Malformed", $"Invalid id: \"{request.ImageId}\" (expecting \"ami-...\")");
        var visible = await images.ListVisibleAsync(accountId, ct);
        var image = visible.FirstOrDefault(i => i.ImageId == request.ImageId && i.ImageType == "machine")
                    ?? throw new Ec2Exception("InvalidAMIID.NotFound", $"The image id '[{request.ImageId}]' does not exist");
        var kernelId = request.KernelId ?? image.KernelId
                       ?? throw Ec2Exception.InvalidParameterValue($"The image {image.ImageId} names no kernel; give one with KernelId.");
        var kernel = visible.FirstOrDefault(i => i.ImageId == kernelId && i.ImageType == "kernel")
                     ?? throw new Ec2Exception("InvalidAKIID.NotFound", $"The kernel image id '[{kernelId}]' does not exist");
        var ramdiskId = request.RamdiskId ?? image.RamdiskId;
        var ramdisk = ramdiskId is null ? null
            : visible.FirstOrDefault(i => i.ImageId == ramdiskId && i.ImageType == "ramdisk")
              ?? throw new Ec2Exception("InvalidARIID.NotFound", $"The ramdisk image id '[{ramdiskId}]' does not exist");
        return (image, kernel, ramdisk);
    }

    /// <summary>How many instances of the type the zone's nodes have room for now, as its CC last saw them.</summary>
    private async Task<int> RoomAsync(string zone, InstanceTypeSpec type, CancellationToken ct)
    {
        if (!clusters.Serves(zone))
            return 0;
        ZoneResources resources;
        try
        {
            resources = await clusters.DescribeResourcesAsync(zone, ct);
        }
        catch (ClusterException e) when (e.Failure == ClusterFailure.Unavailable)
        {
            throw new Ec2Exception("InsufficientInstanceCapacity", $"The cluster of zone {zone} does not answer now; try again later.", 503);
        }
        var counted = resources.LaunchingInstanceIds.ToHashSet(StringComparer.Ordinal);
        return ZoneRoom.For(resources.Nodes, dispatcher.Queued(zone).Where(q => !counted.Contains(q.InstanceId)).Select(q => (q.Cores, q.MemoryMib)), type);
    }

    private static bool SameLaunch(Instance earlier, LaunchRequest request) =>
        earlier.ImageId == request.ImageId && earlier.InstanceType == request.InstanceType;
}
