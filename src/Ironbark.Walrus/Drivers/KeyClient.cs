using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Ironbark.Common.Contracts.Kms;
using Ironbark.Common.Keys;
using Ironbark.Common.Pki;

namespace Ironbark.Walrus.Drivers;

/// <summary>
/// Walrus's way to the CLC's key service: kms.proto over mutual TLS as the "walrus" certificate, to a server that must
/// hold the "clc" role. Nothing is cached (a disabled key stops working at once); a CLC that does not answer is
/// <see cref="KeyServiceError.Unavailable"/>, never a made-up key.
/// </summary>
public sealed class KeyClient : IKeyService, IDisposable
{
    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(10);

    private readonly Func<string?> _clcUrl;
    private readonly CloudCertificates _pki;
    private readonly Lock _connect = new();
    private (GrpcChannel Channel, KeyManagement.KeyManagementClient Client)? _connection;

    /// <param name="clcUrl">The CLC's internal gRPC URL, asked for when first needed (see IdentityClient); null while unknown.</param>
    public KeyClient(CloudCertificates pki, Func<string?> clcUrl)
    {
        _pki = pki;
        _clcUrl = clcUrl;
    }

    public Task<DataKey> GenerateDataKeyAsync(string accountId, string keyId, IReadOnlyDictionary<string, string> context, CancellationToken ct) =>
        CallAsync(client =>
        {
            var request = new GenerateDataKeyRequest { AccountId = accountId, KeyId = keyId };
            request.EncryptionContext.Add(context.ToDictionary());
            return client.GenerateDataKeyAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
        });

    public Task<DataKey> DecryptAsync(string accountId, byte[] ciphertextBlob, IReadOnlyDictionary<string, string> context, CancellationToken ct) =>
        CallAsync(client =>
        {
            var request = new DecryptRequest { AccountId = accountId, CiphertextBlob = ByteString.CopyFrom(ciphertextBlob) };
            request.EncryptionContext.Add(context.ToDictionary());
            return client.DecryptAsync(request, deadline: Deadline(), cancellationToken: ct).ResponseAsync;
        });

    private async Task<DataKey> CallAsync(Func<KeyManagement.KeyManagementClient, Task<DataKeyReply>> call)
    {
        DataKeyReply reply;
        try
        {
            reply = await call(Client());
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            // The CLC may have moved (a restart on another port): the next call asks for its address again.
            if (e.StatusCode == StatusCode.Unavailable)
                Disconnect();
            throw KeyServiceWire.FromRpc(e);
        }
        return new DataKey(reply.KeyArn, reply.Plaintext.ToByteArray(), reply.CiphertextBlob.ToByteArray());
    }

    private KeyManagement.KeyManagementClient Client()
    {
        lock (_connect)
        {
            if (_connection is { } open)
                return open.Client;
            var url = _clcUrl() ?? throw new KeyServiceException(KeyServiceError.Unavailable, "this Walrus does not know where the Cloud Controller is yet");
            var handler = MutualTls.ClientHandler(_pki.Load(ComponentRole.Walrus), _pki.LoadCa(), ComponentRole.Clc);
            handler.ConnectTimeout = TimeSpan.FromSeconds(5);
            var channel = GrpcChannel.ForAddress(url, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            _connection = (channel, new KeyManagement.KeyManagementClient(channel));
            return _connection.Value.Client;
        }
    }

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
}
