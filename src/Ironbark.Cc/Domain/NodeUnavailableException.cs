namespace Ironbark.Cc.Domain;

/// <summary>A call to a node that got no answer from it: refused, reset, timed out, or its certificate refused.</summary>
/// <param name="reason">What went wrong, as the transport said it (the gRPC status and its cause).</param>
public sealed class NodeUnavailableException(string reason) : Exception(reason);
