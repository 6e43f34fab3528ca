namespace Ironbark.Common.Auth;

/// <summary>What an operator sets about signed requests (see docs/configuration.md); validated at start.</summary>
public sealed record RequestSigningOptions
{
    public static readonly IReadOnlyList<string> DefaultRegionAliases = ["us-east-1"];
    public static readonly TimeSpan DefaultMaxQueryV2Expiry = TimeSpan.FromDays(7);

    /// <summary>
    /// Regions a SigV4 credential scope may name besides the cloud's own: us-east-1 by default, what S3
    /// clients sign with when no region is configured, so they keep working. Empty: only the cloud's region.
    /// </summary>
    public IReadOnlyList<string> AcceptedRegionAliases { get; init; } = DefaultRegionAliases;

    /// <summary>
    /// How far in the future a Signature Version 2 query signature may expire (S3 `Expires`, EC2 `Expires`),
    /// as SigV4 presigned URLs are capped at 7 days: a leaked V2 link must not stay good for years.
    /// </summary>
    public TimeSpan MaxQueryV2Expiry { get; init; } = DefaultMaxQueryV2Expiry;

    /// <summary>Refuses values the authenticator cannot work with, before anything starts.</summary>
    public void Validate()
    {
        foreach (var alias in AcceptedRegionAliases)
            if (string.IsNullOrWhiteSpace(alias) || alias.Any(c => c is '/' || char.IsWhiteSpace(c)))
                throw new ArgumentException($"'{alias}' is not a region name an accepted region alias can be.");
        if (MaxQueryV2Expiry <= TimeSpan.Zero || MaxQueryV2Expiry > TimeSpan.FromDays(366))
            throw new ArgumentException($"The maximum SigV2 query expiry must be more than 0 and at most 366 days, not {MaxQueryV2Expiry}.");
    }
}
