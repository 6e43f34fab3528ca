using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Auth;
using Ironbark.Common.Contracts.Identity;
using Ironbark.Common.Pki;

namespace Ironbark.Walrus.Drivers;

/// <summary>
/// Walrus's way to the accounts and keys the CLC owns: identity.proto over mutual TLS as the "walrus"
/// certificate, to a server that must hold the "clc" role. Answers are kept for <see cref="CacheLifetime"/>,
/// so a key deleted at the CLC stops working here within that time; "no such key" is never kept, so a new key
/// works at once. A CLC that does not answer makes the request fail with 503, never pass or count as unknown.
/// </summary>
public sealed class IdentityClient : ICredentialSource, IDisposable
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    private readonly Func<string?> _clcUrl;
    private readonly CloudCertificates _pki;
    private readonly Lock _connect = new();
    private readonly ConcurrentDictionary<string, Cached<SigningCredential>> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Cached<AccountIdentity>> _accounts = new(StringComparer.Ordinal);
    private (GrpcChannel Channel, IdentityService.IdentityServiceClient Client)? _connection;

    /// <param name="clcUrl">
    /// The CLC's internal gRPC URL, asked for when first needed (an all-in-one host starts Walrus before the CLC
    /// and learns the CLC's port after); null while unknown.
    /// </param>
    public IdentityClient(CloudCertificates pki, Func<string?> clcUrl)
    {
        _pki = pki;
        _clcUrl = clcUrl;
    }

    public Task<SigningCredential?> FindAccessKeyAsync(string accessKeyId, CancellationToken ct) =>
        CachedAsync(_keys, accessKeyId, async client =>
        {
            var answer = await client.ResolveAccessKeyAsync(new ResolveAccessKeyRequest { AccessKeyId = accessKeyId },
                deadline: Deadline(), cancellationToken: ct);
            return answer.Found ? new SigningCredential(answer.AccessKeyId, answer.SecretAccessKey, Domain(answer.Account)) : null;
        });

    public Task<AccountIdentity?> FindAccountByIdAsync(string accountId, CancellationToken ct) =>
        CachedAsync(_accounts, "id:" + accountId, client => FindAccountAsync(client, new FindAccountRequest { AccountId = accountId }, ct));

    public Task<AccountIdentity?> FindAccountByCanonicalIdAsync(string canonicalId, CancellationToken ct) =>
        CachedAsync(_accounts, "canonical:" + canonicalId, client => FindAccountAsync(client, new FindAccountRequest { CanonicalId = canonicalId }, ct));

    private static async Task<AccountIdentity?> FindAccountAsync(IdentityService.IdentityServiceClient client, FindAccountRequest request, CancellationToken ct)
    {
        var answer = await client.FindAccountAsync(request, deadline: Deadline(), cancellationToken: ct);
        return answer.Found ? Domain(answer.Account) : null;
    }

    private async Task<T?> CachedAsync<T>(ConcurrentDictionary<string, Cached<T>> cache, string key,
        Func<IdentityService.IdentityServiceClient, Task<T?>> ask) where T : class
    {
        var now = Environment.TickCount64;
        if (cache.TryGetValue(key, out var hit) && now - hit.LoadedMs < CacheLifetime.TotalMilliseconds)
            return hit.Value;
        T? value;
        try
        {
            value = await ask(Client());
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            // The CLC may have moved (a restart on another port): the next call asks for its address again.
            if (e.StatusCode == StatusCode.Unavailable)
                Disconnect();
            throw AuthException.CredentialsUnavailable($"the Cloud Controller did not answer: {e.Status.Detail}");
        }
        if (value is null)
            cache.TryRemove(key, out _);
        else
            cache[key] = new Cached<T>(value, now);
        return value;
    }

    private IdentityService.IdentityServiceClient Client()
    {
        lock (_connect)
        {
            if (_connection is { } open)
                return open.Client;
            var url = _clcUrl() ?? throw AuthException.CredentialsUnavailable("this Walrus does not know where the Cloud Controller is yet");
            var handler = MutualTls.ClientHandler(_pki.Load(ComponentRole.Walrus), _pki.LoadCa(), ComponentRole.Clc);
            handler.ConnectTimeout = TimeSpan.FromSeconds(5);
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            _connection = (channel, new IdentityService.IdentityServiceClient(channel));
            return _connection.Value.Client;
        }
    }

    private static AccountIdentity Domain(IdentityAccount account) => new(account.Id, account.Name, account.CanonicalId);

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallDeadline);

    private void Disconnect()
    {
        lock (_connect)
        {
            _connection?.Channel.Dispose();
            _connection = null;
        }
    }

    public void Dispose() => Disconnect();

    private sealed record Cached<T>(T Value, long LoadedMs);
}
