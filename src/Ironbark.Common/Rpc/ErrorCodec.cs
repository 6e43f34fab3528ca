using Grpc.Core;

namespace Ironbark.Common.Rpc;

/// <summary>
/// How every internal gRPC service carries a domain refusal, and how every client reads it back: the status says
/// the <see cref="ErrorKind"/>, the detail is "Code: message", and the <see cref="TrailerName"/> trailer holds the
/// EC2-style code, so a caller can tell a refusal of the service from a call that got no answer at all.
/// </summary>
public static class ErrorCodec
{
    public const string TrailerName = "ironbark-error-code";

    /// <summary>The exception a gRPC server method throws to refuse a call.</summary>
    public static RpcException Encode(string code, string message, ErrorKind kind)
    {
        var status = kind switch
        {
            ErrorKind.NotFound => StatusCode.NotFound,
            ErrorKind.Invalid => StatusCode.InvalidArgument,
            ErrorKind.Capacity => StatusCode.ResourceExhausted,
            ErrorKind.Unavailable => StatusCode.Unavailable,
            _ => StatusCode.Internal,
        };
        return new RpcException(new Status(status, $"{code}: {message}"), new Metadata { { TrailerName, code } });
    }

    /// <summary>What a failed call says: the service's refusal, or (no code) a call that got no answer.</summary>
    public static RpcFailure Decode(RpcException e)
    {
        var code = e.Trailers.GetValue(TrailerName);
        if (string.IsNullOrEmpty(code))
            code = null;
        var detail = e.Status.Detail;
        var message = code is not null && detail.StartsWith(code + ": ", StringComparison.Ordinal) ? detail[(code.Length + 2)..] : detail;
        var kind = e.StatusCode switch
        {
            StatusCode.NotFound => ErrorKind.NotFound,
            StatusCode.InvalidArgument => ErrorKind.Invalid,
            StatusCode.ResourceExhausted => ErrorKind.Capacity,
            StatusCode.Unavailable => ErrorKind.Unavailable,
            // Without a service's code these come from the transport: the call did not get there or back.
            StatusCode.DeadlineExceeded or StatusCode.Internal when code is null => ErrorKind.Unavailable,
            _ => ErrorKind.Failed,
        };
        return new RpcFailure(code, message, kind);
    }
}
