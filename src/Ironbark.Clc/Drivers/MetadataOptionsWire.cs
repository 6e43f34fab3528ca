using Ironbark.Clc.Domain;
using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Clc.Drivers;

/// <summary>The CLC's instance metadata options as the NC's contract carries them, and back.</summary>
internal static class MetadataOptionsWire
{
    public static MetadataOptions ToMessage(InstanceMetadataOptions options) => new()
    {
        HttpTokens = options.HttpTokens, HttpPutResponseHopLimit = options.HttpPutResponseHopLimit, HttpEndpoint = options.HttpEndpoint,
    };

    /// <summary>The options a node reports it enforces (a node that reports none, or leaves a field empty, enforces the defaults).</summary>
    public static InstanceMetadataOptions FromMessage(MetadataOptions? m) => m is null ? InstanceMetadataOptions.Default
        : new InstanceMetadataOptions(m.HttpTokens.Length > 0 ? m.HttpTokens : InstanceMetadataOptions.Optional,
            m.HttpPutResponseHopLimit > 0 ? m.HttpPutResponseHopLimit : 1, m.HttpEndpoint.Length > 0 ? m.HttpEndpoint : InstanceMetadataOptions.Enabled);
}
