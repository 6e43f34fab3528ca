namespace Ironbark.Clc.Keys;

/// <summary>A key of the key service as its owner sees it (never its material).</summary>
/// <param name="KeyManager">"CUSTOMER" for a key an account created, "AWS" for the one the cloud made for S3 (alias/aws/s3).</param>
public sealed record KmsKey(string KeyId, string AccountId, string Arn, string Description, string State, string KeyManager, long CreatedMs)
{
    public const string CustomerManaged = "CUSTOMER";
    public const string CloudManaged = "AWS";

    public bool Enabled => State == KeyState.Enabled;

    public static string ArnOf(string region, string accountId, string keyId) => $"arn:aws:kms:{region}:{accountId}:key/{keyId}";
}
