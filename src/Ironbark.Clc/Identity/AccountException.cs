namespace Ironbark.Clc.Identity;

/// <summary>A refused account operation, with the IAM-style code an admin client branches on.</summary>
public sealed class AccountException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
