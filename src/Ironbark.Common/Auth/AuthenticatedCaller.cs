namespace Ironbark.Common.Auth;

/// <summary>
/// A caller whose signature was verified: an account and the key it signed with, never nobody.
/// APIs that admit no anonymous request (EC2) take this type, so anonymity cannot reach a handler.
/// </summary>
public sealed record AuthenticatedCaller(AccountIdentity Account, string AccessKeyId)
{
    /// <summary>The signed caller, or MissingAuthenticationToken for an anonymous one.</summary>
    public static AuthenticatedCaller From(Caller caller) =>
        caller is { Account: { } account, AccessKeyId: { } key }
            ? new AuthenticatedCaller(account, key)
            : throw new AuthException("MissingAuthenticationToken",
                "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.", 403);
}
