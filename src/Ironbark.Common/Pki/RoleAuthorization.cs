using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Ironbark.Common.Pki;

/// <summary>
/// Authorizes every internal gRPC call by the role the caller's certificate names, against
/// <see cref="InternalCallPolicy"/>. The TLS handshake has already checked that the cloud CA signed the
/// certificate; this checks what it may do. Refusals are PermissionDenied with a message saying why.
/// </summary>
public sealed class RoleAuthorization(ILogger<RoleAuthorization> log) : Interceptor
{
    /// <summary>Every internal gRPC server of the cloud: the role check on each call, whatever its kind.</summary>
    public static void AddTo(GrpcServiceOptions options) => options.Interceptors.Add<RoleAuthorization>();

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Authorize(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Authorize(ServerCallContext context)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate;
        var role = certificate is null ? null : ComponentRole.Of(certificate);
        var allowed = InternalCallPolicy.AllowedRoles(context.Method);
        if (role is not null && allowed.Contains(role))
            return;
        var why = allowed.Count == 0
            ? $"{context.Method} is not in the internal call policy, so no role may call it."
            : certificate is null
                ? $"{context.Method} needs a client certificate of role {string.Join(" or ", allowed)}."
                : role is null
                    ? $"The client certificate '{certificate.Subject}' names no Ironbark role (one subject alternative name " +
                      $"{ComponentRole.UriPrefix}NAME); it predates roles: re-issue it with `ironbark init` where the cloud CA key is."
                    : $"Role {role} may not call {context.Method}; it is for role {string.Join(" or ", allowed)}.";
        log.LogWarning("Refused {Method} from {Peer} ({Subject}): {Why}", context.Method, context.Peer, certificate?.Subject, why);
        throw new RpcException(new Status(StatusCode.PermissionDenied, why));
    }
}
