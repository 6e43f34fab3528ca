namespace Ironbark.Clc.Api;

/// <summary>A refused KMS request, with the KMS error type (__type) and HTTP status it is answered with.</summary>
public sealed class KmsException(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}
