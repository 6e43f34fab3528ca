using Grpc.Core;

namespace Ironbark.Cc.Domain;

/// <summary>A refused or failed cluster operation, with the EC2-style code the CLC passes on.</summary>
public sealed class CcException(string code, string message, CcErrorKind kind) : Exception(message)
{
    public const string ErrorCodeKey = "ironbark-error-code";

    public string Code { get; } = code;
    public CcErrorKind Kind { get; } = kind;

    public static CcException NotFound(string instanceId) =>
        new("InvalidInstanceID.NotFound", $"The instance ID '{instanceId}' does not exist in this cluster", CcErrorKind.NotFound);

    public static CcException Capacity(string message) => new("InsufficientInstanceCapacity", message, CcErrorKind.Capacity);

    public static CcException Invalid(string code, string message) => new(code, message, CcErrorKind.Invalid);

    /// <summary>The node holding the instance does not answer: the CLC should try again later.</summary>
    public static CcException NodeUnavailable(string instanceId, string nodeUrl, string why) =>
        new("NodeUnavailable", $"The node {nodeUrl} holding instance {instanceId} is not answering ({why}); try again later", CcErrorKind.Unavailable);

    /// <summary>
    /// An NC's failed call as a cluster error: an answer the NC gave (it carries the error code) keeps its code,
    /// message and kind; a call that got no answer (refused, reset, timed out) means the node is unavailable.
    /// </summary>
    public static CcException FromNode(RpcException e, string instanceId, string nodeUrl)
    {
        var code = e.Trailers.GetValue(ErrorCodeKey);
        if (string.IsNullOrEmpty(code))
            return NodeUnavailable(instanceId, nodeUrl, $"{e.StatusCode}: {e.Status.Detail}");
        var detail = e.Status.Detail;
        var message = detail.StartsWith(code + ": ", StringComparison.Ordinal) ? detail[(code.Length + 2)..] : detail;
        var kind = e.StatusCode switch
        {
            StatusCode.NotFound => CcErrorKind.NotFound,
            StatusCode.InvalidArgument => CcErrorKind.Invalid,
            StatusCode.ResourceExhausted => CcErrorKind.Capacity,
            _ => CcErrorKind.Failed,
        };
        return new CcException(code, message, kind);
    }
}
