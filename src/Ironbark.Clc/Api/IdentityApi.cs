using Grpc.Core;
using Ironbark.Common.Auth;
using Ironbark.Common.Contracts.Identity;

namespace Ironbark.Clc.Api;

/// <summary>
/// identity.proto on the CLC's internal (mutual TLS) port: the other components' way to the accounts and
/// keys the CLC owns. Answers from the same credential source the CLC authenticates its own requests with.
/// </summary>
public sealed class IdentityApi(ICredentialSource credentials) : IdentityService.IdentityServiceBase
{
    public override async Task<ResolvedAccessKey> ResolveAccessKey(ResolveAccessKeyRequest request, ServerCallContext context) =>
        await credentials.FindAccessKeyAsync(request.AccessKeyId, context.CancellationToken) is { } key
            ? new ResolvedAccessKey { Found = true, AccessKeyId = key.AccessKeyId, SecretAccessKey = key.SecretAccessKey, Account = Wire(key.Account) }
            : new ResolvedAccessKey { Found = false };

    public override async Task<FoundAccount> FindAccount(FindAccountRequest request, ServerCallContext context)
    {
        var account = request.ByCase switch
        {
            FindAccountRequest.ByOneofCase.AccountId => await credentials.FindAccountByIdAsync(request.AccountId, context.CancellationToken),
            FindAccountRequest.ByOneofCase.CanonicalId => await credentials.FindAccountByCanonicalIdAsync(request.CanonicalId, context.CancellationToken),
            _ => throw new RpcException(new Status(StatusCode.InvalidArgument, "FindAccount takes an account_id or a canonical_id.")),
        };
        return account is null ? new FoundAccount { Found = false } : new FoundAccount { Found = true, Account = Wire(account) };
    }

    private static IdentityAccount Wire(AccountIdentity account) => new() { Id = account.Id, Name = account.Name, CanonicalId = account.CanonicalId };
}
