namespace Ironbark.Common.Keys;

/// <summary>Why the key service refused: each maps to the KMS error code a client expects (NotFoundException, DisabledException…).</summary>
public enum KeyServiceError
{
    /// <summary>No such key (or alias) for this account: KMS NotFoundException; S3 answers KMS.NotFoundException.</summary>
    NotFound,
    /// <summary>The key exists but is disabled or pending deletion: KMS DisabledException / KMSInvalidStateException.</summary>
    Disabled,
    /// <summary>The ciphertext is not one this service made, or the encryption context differs: KMS InvalidCiphertextException.</summary>
    InvalidCiphertext,
    /// <summary>The caller's account may not use the key: KMS AccessDeniedException.</summary>
    AccessDenied,
    /// <summary>The service did not answer: a 503 at the caller, never a guess.</summary>
    Unavailable,
}
