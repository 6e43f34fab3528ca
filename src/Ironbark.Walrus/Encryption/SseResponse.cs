using Microsoft.AspNetCore.Http;

namespace Ironbark.Walrus.Encryption;

/// <summary>The encryption headers S3 answers on PUT, GET, HEAD, copies and multipart requests.</summary>
public static class SseResponse
{
    public static void Write(HttpResponse response, string? encryptionJson) => Write(response, ObjectEncryption.FromJson(encryptionJson));

    public static void Write(HttpResponse response, ObjectEncryption? encryption)
    {
        if (encryption is null)
            return;
        var h = response.Headers;
        if (encryption.Mode == ObjectEncryption.SseC)
        {
            h["x-amz-server-side-encryption-customer-algorithm"] = "AES256";
            h["x-amz-server-side-encryption-customer-key-MD5"] = encryption.CustomerKeyMd5;
            return;
        }
        h[SseErrors.SseHeader] = encryption.Mode;
        if (encryption.Mode != ObjectEncryption.SseKms)
            return;
        h["x-amz-server-side-encryption-aws-kms-key-id"] = encryption.KmsKeyArn;
        if (encryption.BucketKeyEnabled)
            h["x-amz-server-side-encryption-bucket-key-enabled"] = "true";
    }
}
