namespace Ironbark.Clc.Domain;

/// <summary>An account's security group with its rules (stored now; enforced by the CC later).</summary>
public sealed class SecurityGroup
{
    public const string IdPrefix = "sg";
    public const string DefaultName = "default";

    public string GroupId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string GroupName { get; init; } = "";
    public string Description { get; init; } = "";
    public long CreatedMs { get; init; }
    /// <summary>The VPC the group is in (the account's default VPC); null only for a group stored before VPCs, until that VPC is made.</summary>
    public string? VpcId { get; init; }
    public IReadOnlyList<SecurityGroupRule> Rules { get; set; } = [];
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    public bool IsDefault => GroupName == DefaultName;
}
