using Ironbark.Common.Rpc;

namespace Ironbark.Nc.Domain;

/// <summary>A refused or failed node operation, with an EC2-style code the CC passes on.</summary>
public sealed class NcException(string code, string message, ErrorKind kind) : Exception(message)
{
    public string Code { get; } = code;
    public ErrorKind Kind { get; } = kind;

    public static NcException NotFound(string instanceId) =>
        new("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist on this node", ErrorKind.NotFound);
    public static NcException Capacity(string message) => new("InsufficientInstanceCapacity", message, ErrorKind.Capacity);
    public static NcException Invalid(string code, string message) => new(code, message, ErrorKind.Invalid);
    public static NcException Failed(string message) => new("InternalError", message, ErrorKind.Failed);
}
