namespace Ironbark.Clc.Drivers;

/// <summary>A failed call to a Cluster Controller, with the EC2 error code the CC or NC gave (or one that fits).</summary>
public sealed class ClusterException(ClusterFailure failure, string code, string message) : Exception(message)
{
    public ClusterFailure Failure { get; } = failure;
    public string Code { get; } = code;
}
