namespace Ironbark.Clc.Domain;

/// <summary>The metadata options a RunInstances or ModifyInstanceMetadataOptions names; null means not named (unchanged or default).</summary>
public sealed record MetadataOptionsChange(
    string? HttpTokens = null,
    int? HttpPutResponseHopLimit = null,
    string? HttpEndpoint = null,
    string? HttpProtocolIpv6 = null,
    string? InstanceMetadataTags = null)
{
    /// <summary>Refuses, with EC2's InvalidParameterValue, a value EC2 does not allow or one this cloud does not offer.</summary>
    public MetadataOptionsChange Validate()
    {
        OneOf("HttpTokens", HttpTokens, InstanceMetadataOptions.Optional, InstanceMetadataOptions.Required);
        OneOf("HttpEndpoint", HttpEndpoint, InstanceMetadataOptions.Disabled, InstanceMetadataOptions.Enabled);
        if (HttpPutResponseHopLimit is { } hops and (< 1 or > InstanceMetadataOptions.MaxHopLimit))
            throw Ec2Exception.InvalidParameterValue(
                $"Value ({hops}) for parameter HttpPutResponseHopLimit is invalid. Expecting an integer from 1 to {InstanceMetadataOptions.MaxHopLimit}.");
        // The IPv6 endpoint (fd00:ec2::254) needs an IPv6 VM network, and tags in metadata need the tags on the node:
        // neither exists yet, so only their default is accepted rather than a setting that would be silently ignored.
        Unsupported("HttpProtocolIpv6", HttpProtocolIpv6, "the IPv6 endpoint of the instance metadata service");
        Unsupported("InstanceMetadataTags", InstanceMetadataTags, "instance tags in the instance metadata");
        return this;
    }

    private static void OneOf(string name, string? value, string first, string second)
    {
        if (value is not null && value != first && value != second)
            throw Ec2Exception.InvalidParameterValue($"Value ({value}) for parameter {name} is invalid. Valid values are: {first}, {second}.");
    }

    private static void Unsupported(string name, string? value, string what)
    {
        OneOf(name, value, InstanceMetadataOptions.Disabled, InstanceMetadataOptions.Enabled);
        if (value == InstanceMetadataOptions.Enabled)
            throw Ec2Exception.InvalidParameterValue($"Value ({value}) for parameter {name} is invalid. This cloud does not offer {what}; only disabled is accepted.");
    }
}
