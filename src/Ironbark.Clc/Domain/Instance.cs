namespace Ironbark.Clc.Domain;

/// <summary>
/// An instance as the CLC keeps it: what was asked for at launch, and the state it should be in.
/// The state changes only by compare-and-set (InstanceStore.TryMoveAsync); where the VM runs and
/// how it is doing come from the CC.
/// </summary>
public sealed class Instance
{
    public const string IdPrefix = "i";
    public const string ReservationPrefix = "r";
    /// <summary>The address the NC's user-mode network (169.254.169.0/24, DHCP from .15) gives every guest (USER mode: no VM-to-VM traffic, so no clash).</summary>
    public const string UserNetworkAddress = "169.254.169.15";

    public string InstanceId { get; init; } = "";
    public string ReservationId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string ImageId { get; init; } = "";
    public string? KernelId { get; init; }
    public string? RamdiskId { get; init; }
    public string InstanceType { get; set; } = "";
    public string? KeyName { get; init; }
    public string Zone { get; init; } = "";
    public int LaunchIndex { get; init; }
    public string? ClientToken { get; init; }
    public string State { get; set; } = InstanceState.Pending;
    /// <summary>"Code: message" of why the instance last changed state on its own (EC2's stateReason), e.g. a failed launch.</summary>
    public string? StateReason { get; set; }
    /// <summary>EC2's reason text: who ended it and when.</summary>
    public string? TransitionReason { get; set; }
    public string? NodeId { get; set; }
    public bool DisableApiTermination { get; set; }
    /// <summary>"terminate" or "stop" (stop is not offered yet: it terminates too).</summary>
    public string ShutdownBehavior { get; set; } = "terminate";
    public long LaunchMs { get; init; }
    public long? TerminatedMs { get; set; }
    /// <summary>Everything else a launch (or a launch again after a restart) needs; null where the instance was read without it.</summary>
    public InstanceLaunch? Launch { get; init; }
    /// <summary>The instance metadata options as last asked for (RunInstances, then ModifyInstanceMetadataOptions).</summary>
    public string HttpTokens { get; set; } = InstanceMetadataOptions.Default.HttpTokens;
    public int HttpPutResponseHopLimit { get; set; } = InstanceMetadataOptions.Default.HttpPutResponseHopLimit;
    public string HttpEndpoint { get; set; } = InstanceMetadataOptions.Default.HttpEndpoint;
    /// <summary>"pending" until the node reported it enforces those options, then "applied" (EC2's metadataOptions.state).</summary>
    public string MetadataOptionsState { get; set; } = InstanceMetadataOptions.StatePending;
    public IReadOnlyList<GroupRef> Groups { get; set; } = [];
    /// <summary>The account's default VPC and the default subnet of the instance's zone, where it lives (not stored: derived on reading, docs/vpc.md).</summary>
    public string? VpcId { get; set; }
    public string? SubnetId { get; set; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];
    /// <summary>Its primary network interface (device index 0), read with it; null once it is terminated (the interface is deleted then).</summary>
    public ElasticNetworkInterface? PrimaryInterface { get; set; }

    /// <summary>Its private address: its interface's as the CC allocated it; a running instance without one is in USER mode, at <see cref="UserNetworkAddress"/>.</summary>
    public string? PrivateIpAddress => PrimaryInterface?.PrivateIpAddress ?? (State == InstanceState.Running ? UserNetworkAddress : null);

    /// <summary>The name of <see cref="PrivateIpAddress"/> (ip-172-31-0-5.REGION.compute.internal); USER mode's is ip-169-254-169-15.ironbark.internal.</summary>
    public string? PrivateDnsName => PrimaryInterface?.PrivateIpAddress is not null ? PrimaryInterface.PrivateDnsName
        : State == InstanceState.Running ? $"ip-{UserNetworkAddress.Replace('.', '-')}.ironbark.internal" : null;

    public int StateCode => InstanceState.Code(State);

    public InstanceMetadataOptions MetadataOptions => new(HttpTokens, HttpPutResponseHopLimit, HttpEndpoint);
}
