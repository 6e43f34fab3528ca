namespace Ironbark.Clc.Domain;

/// <summary>A set of DHCP options a VPC's instances are given: their domain name and name servers.</summary>
public sealed class DhcpOptions
{
    public const string IdPrefix = "dopt";
    public const string AmazonProvidedDns = "AmazonProvidedDNS";

    public string DhcpOptionsId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string DomainName { get; init; } = "";
    /// <summary>The name servers, comma-separated as stored.</summary>
    public string DomainNameServers { get; init; } = "";
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    /// <summary>The options as EC2 lists them: each key with its values.</summary>
    public IReadOnlyList<(string Key, IReadOnlyList<string> Values)> Configuration =>
    [
        ("domain-name", [DomainName]),
        ("domain-name-servers", DomainNameServers.Split(',', StringSplitOptions.RemoveEmptyEntries)),
    ];
}
