namespace Ironbark.Clc.Domain;

/// <summary>A VPC's route table with its routes; the main one is associated with every subnet that has no other.</summary>
public sealed class RouteTable
{
    public const string IdPrefix = "rtb";
    public const string AssociationPrefix = "rtbassoc";

    public string RouteTableId { get; init; } = "";
    public string AccountId { get; init; } = "";
    public string VpcId { get; init; } = "";
    /// <summary>The id of its main association, when it is the VPC's main route table.</summary>
    public string? MainAssociationId { get; init; }
    public IReadOnlyList<Route> Routes { get; set; } = [];
    public long CreatedMs { get; init; }
    public IReadOnlyList<Tag> Tags { get; set; } = [];

    public bool IsMain => MainAssociationId is not null;
}
