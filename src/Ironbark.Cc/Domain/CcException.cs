using Ironbark.Common.Rpc;

namespace Ironbark.Cc.Domain;

/// <summary>A refused or failed cluster operation, with the EC2-style code the CLC passes on (a node's refusal keeps the node's code).</summary>
public sealed class CcException(string code, string message, ErrorKind kind) : Exception(message)
{
    public string Code { get; } = code;
    public ErrorKind Kind { get; } = kind;

    public static CcException NotFound(string instanceId) =>
        new("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist in this cluster", ErrorKind.NotFound);

    public static CcException Capacity(string message) => new("InsufficientInstanceCapacity", message, ErrorKind.Capacity);

    public static CcException Invalid(string code, string message) => new(code, message, ErrorKind.Invalid);

    /// <summary>The node holding the instance does not answer: the CLC should try again later.</summary>
    public static CcException NodeUnavailable(string instanceId, string nodeUrl, string why) =>
        new("NodeUnavailable", $"The node {nodeUrl} holding instance {instanceId} is not answering ({why}); try again later", ErrorKind.Unavailable);
}
