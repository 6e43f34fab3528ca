namespace Ironbark.Clc.Keys;

/// <summary>A row of kms_keys: the key with its material still encrypted under the cloud's secret key.</summary>
public sealed class KeyRow
{
    public string KeyId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string Description { get; init; } = "";
    public string KeyState { get; init; } = "";
    public string KeyManager { get; init; } = "";
    public string MaterialProtected { get; init; } = "";
    public long CreatedMs { get; init; }
}
