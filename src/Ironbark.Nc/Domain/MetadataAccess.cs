using Ironbark.Common.Contracts.Nc;

namespace Ironbark.Nc.Domain;

/// <summary>
/// The instance metadata options the node's metadata service enforces for one instance, read from the
/// wire message with EC2's defaults (an empty field means the default: tokens optional, hop limit 1,
/// endpoint enabled). The hop limit is kept and reported only: under USER networking every answer reaches
/// the guest through QEMU's slirp, whose IP TTL the node cannot set per VM.
/// </summary>
public sealed record MetadataAccess(bool TokensRequired, int HopLimit, bool EndpointEnabled)
{
    public const int MaxHopLimit = 64;

    public static MetadataAccess Default { get; } = new(false, 1, true);

    /// <summary>The options of the message, or the defaults for null; refuses values EC2 does not allow.</summary>
    public static MetadataAccess From(MetadataOptions? options)
    {
        if (options is null)
            return Default;
        var required = options.HttpTokens switch
        {
            "" or "optional" => false,
            "required" => true,
            var v => throw NcException.Invalid("InvalidParameterValue", $"Invalid value '{v}' for HttpTokens; expected optional or required."),
        };
        var enabled = options.HttpEndpoint switch
        {
            "" or "enabled" => true,
            "disabled" => false,
            var v => throw NcException.Invalid("InvalidParameterValue", $"Invalid value '{v}' for HttpEndpoint; expected enabled or disabled."),
        };
        var hops = options.HttpPutResponseHopLimit == 0 ? 1 : options.HttpPutResponseHopLimit;
        if (hops is < 1 or > MaxHopLimit)
            throw NcException.Invalid("InvalidParameterValue", $"Invalid value '{hops}' for HttpPutResponseHopLimit; expected 1 to {MaxHopLimit}.");
        return new MetadataAccess(required, hops, enabled);
    }

    public MetadataOptions ToMessage() => new()
    {
        HttpTokens = TokensRequired ? "required" : "optional",
        HttpPutResponseHopLimit = HopLimit,
        HttpEndpoint = EndpointEnabled ? "enabled" : "disabled",
    };
}
