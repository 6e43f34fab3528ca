using Ironbark.Common.Keys;
using Ironbark.Walrus.Domain;

namespace Ironbark.Walrus.Encryption;

/// <summary>The S3 errors of server-side encryption, with AWS's codes, statuses and messages.</summary>
public static class SseErrors
{
    public const string SseHeader = "x-amz-server-side-encryption";

    public static WalrusException UnsupportedMethod(string value) =>
        S3Errors.InvalidArgument("The encryption method specified is not supported", SseHeader, value);
    public static WalrusException KmsKeyWithoutKms(string header, string value) =>
        S3Errors.InvalidArgument("Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms", header, value);
    public static WalrusException BadContext(string value) =>
        S3Errors.InvalidArgument("The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string holding JSON which represents a string-string map",
            "x-amz-server-side-encryption-context", value);
    public static WalrusException BadBucketKey(string value) =>
        S3Errors.InvalidArgument("The value of x-amz-server-side-encryption-bucket-key-enabled must be true or false",
            "x-amz-server-side-encryption-bucket-key-enabled", value);
    public static WalrusException NotForThisOperation(string header) =>
        S3Errors.InvalidArgument($"{header} header is not supported for this operation.", header, null);

    public static WalrusException CustomerAlgorithmMissing(string prefix) =>
        S3Errors.InvalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.",
            prefix + "algorithm", null);
    public static WalrusException CustomerAlgorithmInvalid(string prefix, string value) =>
        new WalrusException("InvalidEncryptionAlgorithmError", 400, "The encryption request you specified is not valid. Supported value: AES256.")
            .With("ArgumentName", prefix + "algorithm").With("ArgumentValue", value);
    public static WalrusException CustomerKeyMissing(string prefix) =>
        S3Errors.InvalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.",
            prefix + "key", null);
    public static WalrusException CustomerKeyInvalid(string prefix) =>
        S3Errors.InvalidArgument("The secret key was invalid for the specified algorithm.", prefix + "key", null);
    public static WalrusException CustomerKeyMd5Missing(string prefix) =>
        S3Errors.InvalidArgument("Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.",
            prefix + "key-MD5", null);
    public static WalrusException CustomerKeyMd5Mismatch(string prefix) =>
        S3Errors.InvalidArgument("The calculated MD5 hash of the key did not match the hash that was provided.", prefix + "key-MD5", null);
    public static WalrusException CustomerKeyWithSse(string value) =>
        S3Errors.InvalidArgument("Server Side Encryption with Customer provided key is incompatible with the encryption method specified", SseHeader, value);
    public static WalrusException CustomerKeyNeedsTls() =>
        S3Errors.InvalidRequest("Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.");

    /// <summary>A GET, HEAD or copy of an SSE-C object without its key.</summary>
    public static WalrusException CustomerKeyRequired() =>
        S3Errors.InvalidRequest("The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.");
    /// <summary>A customer key sent for an object that is not SSE-C.</summary>
    public static WalrusException CustomerKeyNotApplicable() =>
        S3Errors.InvalidRequest("The encryption parameters are not applicable to this object.");
    /// <summary>An SSE-C object asked for with another key than its own: AWS answers 403.</summary>
    public static WalrusException CustomerKeyWrong() => S3Errors.AccessDenied();
    /// <summary>An UploadPart whose SSE-C key is not the one CreateMultipartUpload was given.</summary>
    public static WalrusException CustomerKeyNotUploads() =>
        S3Errors.InvalidRequest("The provided encryption parameters did not match the ones used originally.");
    public static WalrusException UploadNeedsCustomerKey() =>
        S3Errors.InvalidRequest("The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.");

    /// <summary>What S3 answers when the key service refuses (KMS.*) or does not answer (503).</summary>
    public static WalrusException FromKeyService(KeyServiceException e, string? keyId) => e.Error switch
    {
        KeyServiceError.NotFound => new WalrusException("KMS.NotFoundException", 400, $"Invalid keyId '{keyId}'").With("KeyId", keyId),
        KeyServiceError.Disabled => new WalrusException("KMS.DisabledException", 400, e.Message).With("KeyId", keyId),
        KeyServiceError.InvalidCiphertext => new WalrusException("KMS.InvalidCiphertextException", 400, e.Message),
        KeyServiceError.AccessDenied => new WalrusException("AccessDenied", 403, e.Message),
        _ => KeyServiceUnavailable(),
    };

    /// <summary>No key service to ask (none configured, or it did not answer): 503, which clients retry.</summary>
    public static WalrusException KeyServiceUnavailable() =>
        new("ServiceUnavailable", 503, "The key service (KMS) is not available, so SSE-KMS requests cannot be served now.");
}
