namespace Ironbark.Clc.Keys;

/// <summary>The states of a key as KMS names them (KeyState in DescribeKey).</summary>
public static class KeyState
{
    public const string Enabled = "Enabled";
    public const string Disabled = "Disabled";
    public const string PendingDeletion = "PendingDeletion";
}
