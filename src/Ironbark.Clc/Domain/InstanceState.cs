namespace Ironbark.Clc.Domain;

/// <summary>The EC2 instance states the CLC stores, with the codes EC2 gives them.</summary>
public static class InstanceState
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string ShuttingDown = "shutting-down";
    public const string Terminated = "terminated";

    public static int Code(string state) => state switch
    {
        Pending => 0,
        Running => 16,
        ShuttingDown => 32,
        Terminated => 48,
        "stopping" => 64,
        "stopped" => 80,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    /// <summary>Not yet terminated: the instance holds (or is about to hold) a VM somewhere.</summary>
    public static bool IsLive(string state) => state != Terminated;
}
