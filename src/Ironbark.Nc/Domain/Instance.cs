using System.Collections.Concurrent;
using Ironbark.Common.Contracts.Nc;
using Ironbark.Nc.Drivers;

namespace Ironbark.Nc.Domain;

/// <summary>
/// One instance on this node: the launch request it came with, its VM and its state. The state
/// (pending → running → shutting-down → terminated) changes only through <see cref="TryMove"/>,
/// a compare-and-set, so concurrent terminate/reboot/death never race each other.
/// </summary>
public sealed class Instance(RunInstanceRequest request, string directory)
{
    /// <summary>Names the instance in the command line of its metadata forwarder, by which the metadata service knows it.</summary>
    public const string ForwarderTag = Drivers.Network.UserNetworkDriver.ForwarderTag;

    private readonly object _lock = new();

    public RunInstanceRequest Request { get; } = request;
    public string Id => Request.InstanceId;
    public string Directory { get; } = directory;
    public string State { get; private set; } = "pending";
    public string Reason { get; private set; } = "";
    public IVirtualMachine? Vm { get; set; }

    /// <summary>The process id of the VM's hypervisor process; 0 while there is none.</summary>
    public int Pid => Vm?.Pid ?? 0;
    public long LaunchedMs { get; set; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public bool HoldsResources { get; set; }

    /// <summary>Whether the network driver made the instance's interface (to be removed once the VM is gone).</summary>
    public bool Plugged { get; set; }

    /// <summary>The launch under way or done (null for an instance found again after a restart).</summary>
    public Task? Launch { get; set; }

    /// <summary>What the metadata service allows this instance now: launched with, then as ModifyInstanceMetadataOptions set it.</summary>
    public MetadataAccess MetadataAccess { get; set; } = MetadataAccess.From(request.MetadataOptions);

    /// <summary>One change of the metadata options at a time, so the file on disk and the value in memory agree.</summary>
    public SemaphoreSlim MetadataChange { get; } = new(1, 1);

    /// <summary>IMDSv2 session tokens of this instance and when each expires.</summary>
    public ConcurrentDictionary<string, DateTimeOffset> MetadataTokens { get; } = new();

    public bool TryMove(string from, string to, string reason = "")
    {
        lock (_lock)
        {
            if (State != from)
                return false;
            State = to;
            if (reason.Length > 0)
                Reason = reason;
            return true;
        }
    }

    /// <summary>Moves to terminated from any state; false if it already was.</summary>
    public bool MoveToTerminated(string reason)
    {
        lock (_lock)
        {
            if (State == "terminated")
                return false;
            State = "terminated";
            Reason = reason;
            return true;
        }
    }

    public string ConsolePath => Path.Combine(Directory, "console.log");

    /// <summary>The metadata options as last modified (absent until the first modification: the launch request's hold).</summary>
    public string MetadataOptionsPath => Path.Combine(Directory, "metadata-options.json");
}
