using System.Xml.Linq;
using Ironbark.Clc.Domain;
using static Ironbark.Clc.Api.Ec2Xml;

namespace Ironbark.Clc.Api;

/// <summary>CreateTags, DeleteTags, DescribeTags.</summary>
public sealed class TagApi(TagService tags) : IEc2Actions
{
    public IEnumerable<KeyValuePair<string, Ec2Handler>> Actions =>
    [
        new("CreateTags", CreateAsync),
        new("DeleteTags", DeleteAsync),
        new("DescribeTags", DescribeAsync),
    ];

    private async Task<IEnumerable<object?>> CreateAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var resources = p.List("ResourceId");
        var tagList = p.Members("Tag").Select(t => new Tag(t.Required("Key"), t["Value"] ?? "")).ToList();
        if (tagList.Count == 0)
            throw Ec2Exception.MissingParameter("Tag");
        Tag.Validate(tagList);
        request.CheckDryRun();
        await tags.CreateAsync(request.AccountId, resources, tagList, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> DeleteAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var resources = p.List("ResourceId");
        var tagList = p.Members("Tag").Select(t => (t.Required("Key"), t["Value"])).ToList();
        request.CheckDryRun();
        await tags.DeleteAsync(request.AccountId, resources, tagList, ct);
        return [E("return", "true")];
    }

    private async Task<IEnumerable<object?>> DescribeAsync(Ec2Request request, CancellationToken ct)
    {
        var p = request.Parameters;
        var filters = p.Filters();
        request.CheckDryRun();
        var found = Page<ResourceTag>.Of(await tags.DescribeAsync(request.AccountId, filters, ct), t => t.ResourceId + "\n" + t.Key,
            p.Int("MaxResults"), p["NextToken"]);
        return [Items("tagSet", found.Items, t => [E("resourceId", t.ResourceId), E("resourceType", t.ResourceType), E("key", t.Key), E("value", t.Value)]),
            Optional("nextToken", found.NextToken)];
    }
}
