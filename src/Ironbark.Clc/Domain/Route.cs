namespace Ironbark.Clc.Domain;

/// <summary>One route of a route table: traffic to a destination goes to a gateway ("local" inside the VPC).</summary>
public sealed record Route(string DestinationCidrBlock, string GatewayId)
{
    public const string Local = "local";

    /// <summary>EC2's origin: the local route comes with the table, others were added.</summary>
    public string Origin => GatewayId == Local ? "CreateRouteTable" : "CreateRoute";

    public string State => "active";
}
