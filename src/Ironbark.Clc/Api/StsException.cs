namespace Ironbark.Clc.Api;

/// <summary>A refused STS request, with the STS error code and HTTP status it is answered with.</summary>
public sealed class StsException(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}
