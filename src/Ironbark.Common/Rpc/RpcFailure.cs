namespace Ironbark.Common.Rpc;

/// <summary>A failed gRPC call as <see cref="ErrorCodec.Decode"/> reads it.</summary>
/// <param name="Code">The EC2-style code the service's domain refused with; null when the call got no such answer
/// (refused, reset, timed out, or stopped by something before the domain, such as the role check).</param>
/// <param name="Message">The refusal's message (the status detail without its leading "Code: ").</param>
public sealed record RpcFailure(string? Code, string Message, ErrorKind Kind);
