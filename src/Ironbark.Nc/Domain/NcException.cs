namespace Ironbark.Nc.Domain;

/// <summary>A refused or failed node operation, with an EC2-style code the CC passes on.</summary>
public sealed class NcException(string code, string message, NcErrorKind kind) : Exception(message)
{
    public string Code { get; } = code;
    public NcErrorKind Kind { get; } = kind;

    public static NcException NotFound(string instanceId) =>
        new("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist on this node", NcErrorKind.NotFound);
    public static NcException Capacity(string message) => new("InsufficientInstanceCapacity", message, NcErrorKind.Capacity);
    public static NcException Invalid(string code, string message) => new(code, message, NcErrorKind.Invalid);
    public static NcException Failed(string message) => new("InternalError", message, NcErrorKind.Failed);
}

public enum NcErrorKind { NotFound, Invalid, Capacity, Failed }
