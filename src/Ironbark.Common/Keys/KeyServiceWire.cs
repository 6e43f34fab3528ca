using Grpc.Core;

namespace Ironbark.Common.Keys;

/// <summary>
/// How kms.proto carries a <see cref="KeyServiceException"/>: a gRPC status with the kind in the trailer
/// <see cref="ErrorTrailer"/>, so a refusal is never mistaken for a transport or authorization failure.
/// </summary>
public static class KeyServiceWire
{
    public const string ErrorTrailer = "kms-error";

    public static RpcException ToRpc(KeyServiceException e)
    {
        var status = e.Error switch
        {
            KeyServiceError.NotFound => StatusCode.NotFound,
            KeyServiceError.Disabled => StatusCode.FailedPrecondition,
            KeyServiceError.InvalidCiphertext => StatusCode.InvalidArgument,
            KeyServiceError.AccessDenied => StatusCode.PermissionDenied,
            _ => StatusCode.Unavailable,
        };
        return new RpcException(new Status(status, e.Message), new Metadata { { ErrorTrailer, e.Error.ToString() } });
    }

    /// <summary>The refusal an answer carries; Unavailable for any error without the trailer (the service did not answer).</summary>
    public static KeyServiceException FromRpc(RpcException e) =>
        e.Trailers.GetValue(ErrorTrailer) is { } kind && Enum.TryParse<KeyServiceError>(kind, out var error)
            ? new KeyServiceException(error, e.Status.Detail)
            : new KeyServiceException(KeyServiceError.Unavailable, $"the key service did not answer: {e.Status.Detail}");
}
