namespace Ironbark.Common.Keys;

/// <summary>A refusal of the key service, typed so each API edge can answer its own protocol's code.</summary>
public sealed class KeyServiceException(KeyServiceError error, string message) : Exception(message)
{
    public KeyServiceError Error { get; } = error;
}
