using Google.Protobuf;
using Grpc.Core;
using Ironbark.Clc.Keys;
using Ironbark.Common.Contracts.Kms;
using Ironbark.Common.Keys;

namespace Ironbark.Clc.Api;

/// <summary>kms.proto on the CLC's internal (mutual TLS) port: Walrus's way to the data keys of SSE-KMS objects.</summary>
public sealed class KeyManagementApi(KeyService keys) : KeyManagement.KeyManagementBase
{
    public override Task<DataKeyReply> GenerateDataKey(GenerateDataKeyRequest request, ServerCallContext context) =>
        AnswerAsync(() => keys.GenerateDataKeyAsync(request.AccountId, request.KeyId, request.EncryptionContext, context.CancellationToken));

    public override Task<DataKeyReply> Decrypt(DecryptRequest request, ServerCallContext context) =>
        AnswerAsync(() => keys.DecryptAsync(request.AccountId, request.CiphertextBlob.ToByteArray(), request.EncryptionContext, context.CancellationToken));

    private static async Task<DataKeyReply> AnswerAsync(Func<Task<DataKey>> call)
    {
        try
        {
            var key = await call();
            return new DataKeyReply
            {
                KeyArn = key.KeyArn, Plaintext = ByteString.CopyFrom(key.Plaintext), CiphertextBlob = ByteString.CopyFrom(key.CiphertextBlob),
            };
        }
        catch (KeyServiceException e)
        {
            throw KeyServiceWire.ToRpc(e);
        }
    }
}
