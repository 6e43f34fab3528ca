namespace Ironbark.Clc.Domain;

/// <summary>
/// EC2's instance metadata options of an instance: whether its metadata service needs IMDSv2 session tokens,
/// the hop limit of the token PUT's answer, and whether the service answers it at all. The IPv6 endpoint and
/// tags in metadata are not offered (always "disabled"). Defaults as EC2 gives an image without IMDS support set.
/// </summary>
public sealed record InstanceMetadataOptions(string HttpTokens, int HttpPutResponseHopLimit, string HttpEndpoint)
{
    public const string Optional = "optional";
    public const string Required = "required";
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
    public const int MaxHopLimit = 64;

    /// <summary>The metadata-options state while a change is on its way to the instance's node, and once the node enforces it.</summary>
    public const string StatePending = "pending";
    public const string StateApplied = "applied";

    public static InstanceMetadataOptions Default { get; } = new(Optional, 1, Enabled);

    /// <summary>These options with what the change names replaced (the change must be valid: <see cref="MetadataOptionsChange.Validate"/>).</summary>
    public InstanceMetadataOptions With(MetadataOptionsChange change) => new(
        change.HttpTokens ?? HttpTokens, change.HttpPutResponseHopLimit ?? HttpPutResponseHopLimit, change.HttpEndpoint ?? HttpEndpoint);
}
