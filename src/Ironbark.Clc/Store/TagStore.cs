using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>Tags of an account's resources, changed only on resources the account owns.</summary>
public sealed class TagStore(Database db)
{
    public async Task CreateAsync(string accountId, IReadOnlyList<(string Id, string Type)> resources, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await BeginAsync(c, accountId, resources, ct);
        var keys = tags.Select(t => t.Key).ToArray();
        foreach (var (id, _) in resources)
        {
            var existing = await c.QueryAsync<string>("SELECT tag_key FROM resource_tags WHERE resource_id = @id", new { id }, tx);
            if (existing.Union(keys).Count() > Tag.MaxTagsPerResource)
                throw new Ec2Exception("TagLimitExceeded", $"The maximum number of tags per resource ({Tag.MaxTagsPerResource}) would be exceeded on {id}.");
            foreach (var tag in tags)
                await c.ExecuteAsync("DELETE FROM resource_tags WHERE resource_id = @id AND tag_key = @Key", new { id, tag.Key }, tx);
            await TagRows.InsertAsync(c, tx, id, accountId, tags);
        }
        await tx.CommitAsync(ct);
    }

    public async Task DeleteAsync(string accountId, IReadOnlyList<(string Id, string Type)> resources, IReadOnlyList<(string Key, string? Value)> tags,
        CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await BeginAsync(c, accountId, resources, ct);
        foreach (var (id, _) in resources)
        {
            if (tags.Count == 0)
                await TagRows.DeleteAsync(c, tx, id);
            foreach (var (key, value) in tags)
                await c.ExecuteAsync("DELETE FROM resource_tags WHERE resource_id = @id AND tag_key = @key AND (@any OR tag_value = @value)",
                    new { id, key, any = value is null, value = value ?? "" }, tx);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<IReadOnlyList<ResourceTag>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string ResourceId, string TagKey, string TagValue)>(
            "SELECT resource_id, tag_key, tag_value FROM resource_tags WHERE account_id = @accountId", new { accountId });
        return rows.Select(r => new ResourceTag(r.ResourceId, TaggableResource.TypeOf(r.ResourceId), r.TagKey, r.TagValue))
            .OrderBy(t => t.ResourceId, StringComparer.Ordinal).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>A write transaction in which every resource is known to be the account's; the first one that is not is NotFound.</summary>
    private async Task<DbTransaction> BeginAsync(DbConnection c, string accountId, IReadOnlyList<(string Id, string Type)> resources, CancellationToken ct)
    {
        var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "tags:" + accountId);
        foreach (var (id, type) in resources)
        {
            var (table, column) = type switch
            {
                TaggableResource.KeyPair => ("key_pairs", "key_pair_id"),
                TaggableResource.SecurityGroup => ("security_groups", "group_id"),
                TaggableResource.Instance => ("instances", "instance_id"),
                TaggableResource.Vpc => ("vpcs", "vpc_id"),
                TaggableResource.Subnet => ("subnets", "subnet_id"),
                TaggableResource.RouteTable => ("route_tables", "route_table_id"),
                TaggableResource.InternetGateway => ("internet_gateways", "internet_gateway_id"),
                TaggableResource.DhcpOptions => ("dhcp_options", "dhcp_options_id"),
                TaggableResource.ElasticIp => ("elastic_addresses", "allocation_id"),
                TaggableResource.NetworkInterface => ("network_interfaces", "interface_id"),
                _ => ("images", "image_id"),
            };
            if (await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {column} = @id AND account_id = @accountId", new { id, accountId }, tx) == 0)
            {
                await tx.DisposeAsync();
                throw TaggableResource.NotFound(id, type);
            }
        }
        return tx;
    }
}
