using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>Tags of any resource, read and written inside the transaction that owns the resource.</summary>
internal static class TagRows
{
    public static Task InsertAsync(DbConnection c, DbTransaction tx, string resourceId, string accountId, IEnumerable<Tag> tags) =>
        c.ExecuteAsync("INSERT INTO resource_tags (resource_id, account_id, tag_key, tag_value) VALUES (@resourceId, @accountId, @Key, @Value)",
            tags.Select(t => new { resourceId, accountId, t.Key, t.Value }), tx);

    public static Task DeleteAsync(DbConnection c, DbTransaction tx, string resourceId) =>
        c.ExecuteAsync("DELETE FROM resource_tags WHERE resource_id = @resourceId", new { resourceId }, tx);

    /// <summary>The tags of these resources, by resource id.</summary>
    public static async Task<ILookup<string, Tag>> ForResourcesAsync(DbConnection c, Database db, string[] resourceIds)
    {
        var rows = await c.QueryAsync<(string ResourceId, string TagKey, string TagValue)>(
            $"SELECT resource_id, tag_key, tag_value FROM resource_tags WHERE {db.AnyOf("resource_id", "@resourceIds")} ORDER BY tag_key", new { resourceIds });
        return rows.ToLookup(r => r.ResourceId, r => new Tag(r.TagKey, r.TagValue));
    }

    /// <summary>Every tag of one account's resources, by resource id.</summary>
    public static async Task<ILookup<string, Tag>> ForAccountAsync(DbConnection c, string accountId)
    {
        var rows = await c.QueryAsync<(string ResourceId, string TagKey, string TagValue)>(
            "SELECT resource_id, tag_key, tag_value FROM resource_tags WHERE account_id = @accountId ORDER BY tag_key", new { accountId });
        return rows.ToLookup(r => r.ResourceId, r => new Tag(r.TagKey, r.TagValue));
    }
}
