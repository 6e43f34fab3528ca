namespace Ironbark.Clc.Keys;

/// <summary>
/// A request the key service refuses for what it asks rather than for the key it names (a malformed alias, an alias
/// that exists, too many bytes): the KMS error code it is answered with. Refusals about a key are KeyServiceException.
/// </summary>
public sealed class KeyRequestException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
