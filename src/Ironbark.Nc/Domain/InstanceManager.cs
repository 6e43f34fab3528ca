using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers;
using Ironbark.Nc.Drivers.Network;
using Ironbark.Nc.Images;
using Microsoft.Extensions.Logging;

namespace Ironbark.Nc.Domain;

/// <summary>
/// The node's work: launch, terminate, reboot and describe instances, find them again after a
/// restart, and notice within seconds when a VM dies. Each instance lives in its own directory
/// (spec.json, disk.qcow2, console.log, qmp.sock, qemu.pid) so nothing is lost when the NC restarts.
/// </summary>
public sealed partial class InstanceManager(NcOptions options, IHypervisor hypervisor, ImageCache images, NodeResources resources,
    IEnumerable<INetworkDriver> networks, ILogger<InstanceManager> log)
{
    private readonly IReadOnlyList<INetworkDriver> _networks = networks.ToList();
    public const int ConsoleBytes = 64 * 1024;
    private readonly ConcurrentDictionary<string, Instance> _instances = new();
    private readonly object _admitting = new();

    [GeneratedRegex("^i-[0-9a-f]{8,17}$")]
    private static partial Regex InstanceIdPattern();

    public IHypervisor Hypervisor => hypervisor;

    /// <summary>Which hypervisor runs this node's VMs ("qemu", "fake") and with what acceleration, as DescribeNode reports them.</summary>
    public string HypervisorName => hypervisor.Name;

    public string Acceleration => hypervisor.Acceleration;
    public NodeResources Resources => resources;

    /// <summary>Re-attaches to the VMs still running from before a restart; the others are recorded as terminated.</summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(options.InstancesDir);
        foreach (var dir in Directory.EnumerateDirectories(options.InstancesDir))
        {
            var specFile = Path.Combine(dir, "spec.json");
            if (!File.Exists(specFile))
                continue;
            var request = JsonParser.Default.Parse<RunInstanceRequest>(await File.ReadAllTextAsync(specFile, ct));
            var instance = new Instance(request, dir) { LaunchedMs = new DateTimeOffset(File.GetLastWriteTimeUtc(specFile)).ToUnixTimeMilliseconds() };
            if (File.Exists(instance.MetadataOptionsPath))
                instance.MetadataAccess = MetadataAccess.From(JsonParser.Default.Parse<MetadataOptions>(await File.ReadAllTextAsync(instance.MetadataOptionsPath, ct)));
            _instances[instance.Id] = instance;
            var terminatedFile = Path.Combine(dir, "terminated");
            if (File.Exists(terminatedFile))
            {
                instance.MoveToTerminated(await File.ReadAllTextAsync(terminatedFile, ct));
                continue;
            }
            var vm = await hypervisor.AttachAsync(Spec(instance, "", null, VmNic.User(MacFor(instance.Id), "", "")), ct);
            if (vm is null)
            {
                log.LogWarning("Instance {InstanceId} is no longer running; recording it as terminated", instance.Id);
                await FinishAsync(instance, "Server.InternalError: the VM stopped while the node controller was down");
                continue;
            }
            instance.Plugged = true;
            try
            {
                // The same steps as at launch, each finding its work done (tap, dnsmasq) or redoing it the same way (rules).
                await NetworkOf(request).PlugAsync(instance.Id, request.Network ?? new NetworkInterface(), ct);
            }
            catch (Exception e) when (e is IOException or NcException)
            {
                log.LogError("Instance {InstanceId}: its network could not be rebuilt: {Error}", instance.Id, e.Message);
            }
            resources.Reserve(instance.Id, request.Cores, request.MemoryMib);
            instance.HoldsResources = true;
            instance.Vm = vm;
            instance.TryMove("pending", "running");
            _ = WatchAsync(instance, vm);
            log.LogInformation("Re-attached to instance {InstanceId} (QEMU pid {Pid})", instance.Id, vm.Pid);
        }
        foreach (var network in _networks)
            await network.RecoveredAsync(ct);
    }

    /// <summary>Lets go of every VM (closes the QMP connections) without stopping any: for a stop of the NC.</summary>
    public async Task DetachAsync()
    {
        foreach (var instance in _instances.Values)
            if (instance.Vm is { } vm)
                await vm.DisposeAsync();
        foreach (var network in _networks)
            await network.StopAsync(CancellationToken.None);
    }

    /// <summary>Replaces the zone's network view the node enforces (the VPC driver's, where the node has one); answers the version in force.</summary>
    public async Task<long> ApplyNetworkViewAsync(NetworkView view, CancellationToken ct)
    {
        var applied = 0L;
        foreach (var network in _networks)
            applied = await network.ApplyViewAsync(view, ct);
        return applied;
    }

    /// <summary>The instance's interface as it is in force now (groups and public address as the last network view set them).</summary>
    public NetworkInterface InForce(Instance instance) => NetworkOf(instance.Request).InForce(instance.Request.Network ?? new NetworkInterface());

    /// <summary>The running VPC instance of this node with this private address on the VPC of this VNI, else null.</summary>
    public Instance? FindRunningAt(uint vni, string privateIp) =>
        _instances.Values.FirstOrDefault(i => i.Request.Network is { Mode: "VPC" } n && n.Vni == vni && n.PrivateIp == privateIp
                                              && i.State is "running" or "pending" && i.Vm is not null);

    /// <summary>
    /// The driver of the interface's mode. A node without the VPC driver (Network user: no root, or the tools missing)
    /// serves a VPC interface with USER networking, the documented fallback (docs/network-node.md): the guest is alone at
    /// 169.254.169.15 with the interface's MAC, and the metadata service reports the interface's VPC addresses.
    /// </summary>
    private INetworkDriver NetworkOf(RunInstanceRequest request)
    {
        var mode = request.Network is { Mode.Length: > 0 } n ? n.Mode : "USER";
        if (mode is not ("USER" or "VPC"))
            throw NcException.Invalid("InvalidParameterValue", $"Network mode '{mode}' is unknown; use USER or VPC.");
        return _networks.FirstOrDefault(d => d.Mode == mode) ?? _networks.First(d => d.Mode == "USER");
    }

    /// <summary>
    /// Launches the instance and returns once its VM runs. The launch belongs to the node, not to the call:
    /// a caller that goes away (a CC restarting, a deadline) stops waiting, the launch goes on, and an
    /// identical retry waits for the same launch instead of starting another.
    /// </summary>
    public async Task<Instance> RunAsync(RunInstanceRequest request, CancellationToken ct)
    {
        Validate(request);
        var dir = Path.Combine(options.InstancesDir, request.InstanceId);
        var instance = new Instance(request, dir);
        Instance? known;
        lock (_admitting)
        {
            // One step for a new id: it is listed exactly when it holds its cores and memory (DescribeNode names
            // the instances its free capacity counts, see NodeResources.Held); a concurrent identical call finds it.
            if (!_instances.TryGetValue(request.InstanceId, out known))
            {
                resources.Reserve(request.InstanceId, request.Cores, request.MemoryMib);
                instance.HoldsResources = true;
                _instances[request.InstanceId] = instance;
            }
        }
        if (known is not null)
            return await RetriedAsync(known, request, ct);
        instance.Launch = LaunchAsync(instance);
        await instance.Launch.WaitAsync(ct);
        return instance;
    }

    /// <summary>A retried call: the same launch, and its outcome (a failed launch answers as the terminated instance, with its reason).</summary>
    private static async Task<Instance> RetriedAsync(Instance existing, RunInstanceRequest request, CancellationToken ct)
    {
        if (!existing.Request.Equals(request))
            throw NcException.Invalid("InvalidInstanceID.Duplicate", $"Instance {request.InstanceId} already exists on this node.");
        if (existing.Launch is { } under)
            await under.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).WaitAsync(ct);
        return existing;
    }

    private async Task LaunchAsync(Instance instance)
    {
        await Task.Yield(); // the caller stores the task before the launch gets anywhere
        var request = instance.Request;
        var dir = instance.Directory;
        var ct = CancellationToken.None; // bounded by the image downloads' and QEMU's own timeouts, not by a caller
        try
        {
            Directory.CreateDirectory(dir);
            File.Delete(Path.Combine(dir, "terminated"));
            File.Delete(instance.MetadataOptionsPath);
            await File.WriteAllTextAsync(Path.Combine(dir, "spec.json"), JsonFormatter.Default.Format(request), ct);
            var kernel = images.GetAsync(request.Kernel, InUse, ct);
            var ramdisk = request.Ramdisk is { Key.Length: > 0 } r ? images.GetAsync(r, InUse, ct) : Task.FromResult<string>(null!);
            var rootDisk = images.GetAsync(request.RootDisk, InUse, ct);
            await Task.WhenAll(kernel, ramdisk, rootDisk);
            var disk = Path.Combine(dir, "disk.qcow2");
            File.Delete(disk);
            await hypervisor.CreateOverlayAsync(await rootDisk, disk, ct);
            var nic = await NetworkOf(request).PlugAsync(instance.Id, request.Network ?? new NetworkInterface(), ct);
            instance.Plugged = true;
            var spec = Spec(instance, await kernel, await ramdisk, nic);
            var vm = await hypervisor.LaunchAsync(spec, ct);
            instance.Vm = vm;
            instance.LaunchedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            _ = WatchAsync(instance, vm);
            if (!instance.TryMove("pending", "running"))
                await vm.ShutdownAsync(TimeSpan.Zero, CancellationToken.None); // terminated while launching
            log.LogInformation("Instance {InstanceId} running (QEMU pid {Pid})", instance.Id, vm.Pid);
        }
        catch (Exception e)
        {
            log.LogWarning("Instance {InstanceId} failed to launch: {Error}", request.InstanceId, e.Message);
            await FinishAsync(instance, e is NcException ne ? $"{ne.Code}: {ne.Message}" : $"Server.InternalError: {e.Message}");
            if (e is NcException)
                throw;
            throw NcException.Failed($"Instance {request.InstanceId} failed to launch: {e.Message}");
        }
    }

    public async Task<Instance> TerminateAsync(string instanceId, CancellationToken ct)
    {
        var instance = Find(instanceId);
        if (instance.TryMove("running", "shutting-down") || instance.TryMove("pending", "shutting-down"))
        {
            if (instance.Vm is { } vm)
                await vm.ShutdownAsync(options.TerminateGrace, ct);
            await FinishAsync(instance, "Client.UserInitiatedShutdown: User initiated shutdown");
        }
        return instance;
    }

    public async Task<Instance> RebootAsync(string instanceId, CancellationToken ct)
    {
        var instance = Find(instanceId);
        if (instance.State != "running" || instance.Vm is null)
            throw NcException.Invalid("IncorrectInstanceState", $"The instance '{instanceId}' is not in the 'running' state.");
        await instance.Vm.ResetAsync(ct);
        return instance;
    }

    /// <summary>
    /// Replaces the metadata options of a live instance: written to its directory first (so a restarted node
    /// enforces them too), then to what the metadata service reads. Session tokens already issued stay valid, as on EC2.
    /// </summary>
    public async Task<Instance> ModifyMetadataOptionsAsync(string instanceId, MetadataOptions? options, CancellationToken ct)
    {
        var instance = Find(instanceId);
        var access = MetadataAccess.From(options);
        await instance.MetadataChange.WaitAsync(ct);
        try
        {
            if (instance.State is "shutting-down" or "terminated")
                throw NcException.Invalid("IncorrectInstanceState", $"The instance '{instanceId}' is not in a state from which its metadata options can be modified.");
            var temp = instance.MetadataOptionsPath + ".tmp";
            await File.WriteAllTextAsync(temp, JsonFormatter.Default.Format(access.ToMessage()), ct);
            File.Move(temp, instance.MetadataOptionsPath, overwrite: true);
            instance.MetadataAccess = access;
            log.LogInformation("Instance {InstanceId} metadata options: tokens {Tokens}, hop limit {Hops}, endpoint {Endpoint}", instanceId,
                access.TokensRequired ? "required" : "optional", access.HopLimit, access.EndpointEnabled ? "enabled" : "disabled");
            return instance;
        }
        finally
        {
            instance.MetadataChange.Release();
        }
    }

    public IReadOnlyList<Instance> Describe(IReadOnlyCollection<string> ids) =>
        ids.Count == 0 ? _instances.Values.OrderBy(i => i.Id, StringComparer.Ordinal).ToList() : ids.Select(Find).ToList();

    public Instance Find(string instanceId) =>
        _instances.TryGetValue(instanceId, out var instance) ? instance : throw NcException.NotFound(instanceId);

    /// <summary>The instance with this id if its VM runs (pending or running), else null.</summary>
    public Instance? FindRunning(string instanceId) =>
        _instances.TryGetValue(instanceId, out var instance) && instance.State is "running" or "pending" && instance.Vm is not null ? instance : null;

    public async Task<string> PowerStateAsync(Instance instance, CancellationToken ct)
    {
        if (instance.State == "terminated")
            return instance.Reason.StartsWith("Server.", StringComparison.Ordinal) ? "crashed" : "shutdown";
        return instance.Vm is null ? "nostate" : await instance.Vm.PowerStateAsync(ct);
    }

    /// <summary>The last 64 KiB of the serial console, as EC2's GetConsoleOutput returns.</summary>
    public async Task<byte[]> ConsoleAsync(string instanceId, CancellationToken ct)
    {
        var instance = Find(instanceId);
        if (!File.Exists(instance.ConsolePath))
            return [];
        await using var stream = new FileStream(instance.ConsolePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var start = Math.Max(0, stream.Length - ConsoleBytes);
        stream.Seek(start, SeekOrigin.Begin);
        var buffer = new byte[stream.Length - start];
        await stream.ReadExactlyAsync(buffer, ct);
        return buffer;
    }

    private async Task WatchAsync(Instance instance, IVirtualMachine vm)
    {
        await vm.Exited;
        if (instance.State is "running" or "pending")
        {
            log.LogWarning("QEMU of instance {InstanceId} exited unexpectedly", instance.Id);
            await FinishAsync(instance, "Server.InternalError: the VM process exited unexpectedly");
        }
    }

    /// <summary>Records the end of an instance once: frees its resources and disk, keeps its console and spec.</summary>
    private async Task FinishAsync(Instance instance, string reason)
    {
        if (!instance.MoveToTerminated(reason))
            return;
        if (instance.HoldsResources)
        {
            instance.HoldsResources = false;
            resources.Release(instance.Id);
        }
        if (instance.Vm is { } vm && !vm.Exited.IsCompleted)
            await vm.ShutdownAsync(TimeSpan.Zero, CancellationToken.None);
        if (Directory.Exists(instance.Directory))
        {
            await File.WriteAllTextAsync(Path.Combine(instance.Directory, "terminated"), reason);
            File.Delete(Path.Combine(instance.Directory, "disk.qcow2"));
        }
        if (instance.Vm is { } done)
            await done.DisposeAsync();
        if (instance.Plugged)
        {
            instance.Plugged = false;
            try
            {
                await NetworkOf(instance.Request).UnplugAsync(instance.Id, instance.Request.Network ?? new NetworkInterface(), CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or NcException)
            {
                log.LogError("Instance {InstanceId}: its network could not be removed: {Error}", instance.Id, e.Message);
            }
        }
    }

    private IReadOnlySet<string> InUse() =>
        _instances.Values.Where(i => i.State != "terminated")
            .SelectMany(i => new[] { i.Request.Kernel?.Sha256, i.Request.Ramdisk?.Sha256, i.Request.RootDisk?.Sha256 })
            .Where(d => !string.IsNullOrEmpty(d)).Select(d => Path.Combine(options.ImagesDir, d!.ToLowerInvariant())).ToHashSet();

    private VmSpec Spec(Instance instance, string kernel, string? ramdisk, VmNic nic) => new(
        instance.Id, instance.Directory, instance.Request.Cores, instance.Request.MemoryMib, kernel, ramdisk,
        $"console=ttyS0 panic=-1 {(instance.Request.KernelArgs.Length > 0 ? instance.Request.KernelArgs : "quiet")}",
        Path.Combine(instance.Directory, "disk.qcow2"), nic);

    /// <summary>A stable, locally administered MAC per instance (d0:0d: as Eucalyptus did), the NIC's under USER networking.</summary>
    public static string MacFor(string instanceId) => UserNetworkDriver.MacFor(instanceId);

    private void Validate(RunInstanceRequest request)
    {
        if (!InstanceIdPattern().IsMatch(request.InstanceId))
            throw NcException.Invalid("InvalidInstanceID.Malformed", $"Invalid id: \"{request.InstanceId}\"");
        if (request.Cores < 1 || request.MemoryMib < 16)
            throw NcException.Invalid("InvalidParameterValue", "An instance needs at least 1 core and 16 MiB of memory.");
        if (request.Kernel is null || request.RootDisk is null)
            throw NcException.Invalid("MissingParameter", "A launch needs a kernel and a root disk image.");
        MetadataAccess.From(request.MetadataOptions);
        NetworkOf(request).Validate(request.Network ?? new NetworkInterface());
    }
}
