namespace Ironbark.Bench.Nc;

public enum LaunchKind
{
    Baseline,
    NcCold,
    NcWarm,
}

/// <summary>
/// One timed launch, each figure from the start (the RunInstance call, or the start of the QEMU
/// process for the baseline): when the call returned (NC only), when the guest printed BOOT and READY;
/// and the CPU time the NC process used from the call to READY (NC only).
/// </summary>
public sealed record LaunchTiming(LaunchKind Kind, string InstanceId, TimeSpan? Call, TimeSpan Boot, TimeSpan Ready, string ReadyLine,
    TimeSpan? NcCpu = null);
