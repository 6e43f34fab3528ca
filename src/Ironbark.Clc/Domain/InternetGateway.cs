namespace Ironbark.Clc.Domain;

/// <summary>An account's internet gateway and the VPC it is attached to, if any.</summary>
public sealed class InternetGateway
{
    public const string IdPrefix = "igw";

    public string InternetGatewayId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string? VpcId { get; init; }
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    /// <summary>EC2's state of an attachment of an internet gateway: "available" once attached.</summary>
    public string? AttachmentState => VpcId is null ? null : "available";
}
