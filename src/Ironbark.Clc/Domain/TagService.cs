using Ironbark.Clc.Store;

namespace Ironbark.Clc.Domain;

/// <summary>CreateTags, DeleteTags and DescribeTags over every taggable resource of an account.</summary>
public sealed class TagService(TagStore store)
{
    private static readonly FilterSchema<ResourceTag> Filters = new(new Dictionary<string, Func<ResourceTag, IEnumerable<string?>>>
    {
        ["resource-id"] = t => [t.ResourceId],
        ["resource-type"] = t => [t.ResourceType],
        ["key"] = t => [t.Key],
        ["value"] = t => [t.Value],
    });

    /// <summary>Adds or overwrites the tags on every resource; all resources must be the account's own, or nothing changes.</summary>
    public Task CreateAsync(string accountId, IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        Tag.Validate(tags);
        return store.CreateAsync(accountId, Resolve(resourceIds), tags, ct);
    }

    /// <summary>Removes tags by key, or by key and value when a value is given; all resources must be the account's own.</summary>
    public Task DeleteAsync(string accountId, IReadOnlyList<string> resourceIds, IReadOnlyList<(string Key, string? Value)> tags, CancellationToken ct)
    {
        foreach (var (key, _) in tags)
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase))
                throw Ec2Exception.InvalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use.");
        return store.DeleteAsync(accountId, Resolve(resourceIds), tags, ct);
    }

    /// <summary>The account's tags, filtered, in resource id and key order.</summary>
    public async Task<IReadOnlyList<ResourceTag>> DescribeAsync(string accountId, IReadOnlyList<Filter> filters, CancellationToken ct) =>
        Filters.Apply(await store.ListAsync(accountId, ct), filters);

    private static IReadOnlyList<(string Id, string Type)> Resolve(IReadOnlyList<string> resourceIds)
    {
        if (resourceIds.Count == 0)
            throw Ec2Exception.MissingParameter("ResourceId");
        return resourceIds.Distinct().Select(id => (id, TaggableResource.TypeOf(id))).ToList();
    }
}
