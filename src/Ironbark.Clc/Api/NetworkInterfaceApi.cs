using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>
/// DescribeNetworkInterfaces, Describe/Modify/ResetNetworkInterfaceAttribute; Create/Attach/Detach/DeleteNetworkInterface
/// are refused (only primary interfaces exist).
/// </summary>
public sealed class NetworkInterfaceApi(NetworkInterfaceService interfaces) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("DescribeNetworkInterfaces", DescribeAsync),
        new("DescribeNetworkInterfaceAttribute", DescribeAttributeAsync),
        new("ModifyNetworkInterfaceAttribute", ModifyAttributeAsync),
        new("ResetNetworkInterfaceAttribute", ResetAttributeAsync),
        new("CreateNetworkInterface", Refused("CreateNetworkInterface")),
        new("AttachNetworkInterface", Refused("AttachNetworkInterface")),
        new("DetachNetworkInterface", Refused("DetachNetworkInterface")),
        new("DeleteNetworkInterface", Refused("DeleteNetworkInterface")),
    ];

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var ids = p.List("NetworkInterfaceId");
        var filters = p.Filters();
        var (maxResults, nextToken) = (p.Int("MaxResults"), p["NextToken"]);
        if (ids.Count > 0 && maxResults is not null)
            throw new Ec2Exception("InvalidParameterCombination", "The parameter NetworkInterfaceIds cannot be used with the parameter MaxResults");
        request.CheckDryRun();
        var found = await interfaces.DescribeAsync(request.AccountId, ids, filters, ct);
        var page = Page<ElasticNetworkInterface>.Of(found, n => n.NetworkInterfaceId, maxResults, nextToken);
        return [Items("networkInterfaceSet", page.Items, n => NetworkInterfaceXml.Item(n)), Optional("nextToken", page.NextToken)];
    }

    private async Task<IEnumerable<object?>> DescribeAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("NetworkInterfaceId");
        var attribute = p.Required("Attribute");
        if (attribute is not ("description" or "groupSet" or "sourceDestCheck" or "attachment" or "associatePublicIpAddress"))
            throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Unknown attribute.");
        request.CheckDryRun();
        var n = await interfaces.OwnedAsync(request.AccountId, id, ct);
        return [E("networkInterfaceId", n.NetworkInterfaceId), attribute switch
        {
            "description" => E("description", E("value", n.Description)),
            "groupSet" => InstanceXml.Groups(n.Groups),
            "sourceDestCheck" => E("sourceDestCheck", E("value", Bool(n.SourceDestCheck))),
            "associatePublicIpAddress" => E("associatePublicIpAddress", Bool(n.PoolPublicIp is not null)),
            _ => NetworkInterfaceXml.Attachment(n, withInstance: true),
        }];
    }

    private async Task<IEnumerable<object?>> ModifyAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("NetworkInterfaceId");
        if (p.Members("Attachment").Count > 0 || p.Has("Attachment.AttachmentId"))
            throw NetworkInterfaceService.OnlyPrimary("Changing the attachment of a network interface");
        var groups = p.List("SecurityGroupId");
        var description = p["Description.Value"];
        var sourceDestCheck = p["SourceDestCheck.Value"] is null ? (bool?)null : p.Bool("SourceDestCheck.Value");
        var given = (groups.Count > 0 ? 1 : 0) + (description is null ? 0 : 1) + (sourceDestCheck is null ? 0 : 1);
        if (given == 0)
            throw Ec2Exception.MissingParameter("SecurityGroupId");
        if (given > 1)
            throw new Ec2Exception("InvalidParameterCombination", "Modify one attribute of a network interface at a time.");
        request.CheckDryRun();
        await interfaces.ModifyAsync(request.AccountId, id, new NetworkInterfaceChange(description, sourceDestCheck, groups.Count > 0 ? groups : null), ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> ResetAttributeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var id = p.Required("NetworkInterfaceId");
        // The SDKs send SourceDestCheck=true; the older form names the attribute.
        var attribute = p["Attribute"] ?? (p.Has("SourceDestCheck") ? "sourceDestCheck" : throw Ec2Exception.MissingParameter("SourceDestCheck"));
        if (attribute != "sourceDestCheck")
            throw Ec2Exception.InvalidParameterValue($"Value ({attribute}) for parameter attribute is invalid. Only sourceDestCheck can be reset.");
        request.CheckDryRun();
        await interfaces.ModifyAsync(request.AccountId, id, new NetworkInterfaceChange(null, true, null), ct);
        return [E("return", "true")];
    }

    private static Ec2Handler Refused(string action) => (_, _) => throw NetworkInterfaceService.OnlyPrimary(action);
}
