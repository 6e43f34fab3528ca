using System.Text.Json;
using Dapper;
using Ironbark.Cc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Cc.Store;

/// <summary>The security groups' definitions as the CLC last pushed them, with the version of that push.</summary>
public sealed class SecurityGroupStore(Database db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Replaces every definition with <paramref name="groups"/>, unless a later version is stored already (a push
    /// that arrived late): then nothing changes.
    /// </summary>
    /// <returns>The version in force afterwards, and whether this push was taken.</returns>
    public Task<(long Version, bool Taken)> ReplaceAsync(long version, IReadOnlyList<SecurityGroupDefinition> groups, CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            var stored = await c.ExecuteScalarAsync<long>("SELECT value FROM cc_counters WHERE name = 'security_groups'", transaction: tx);
            if (version < stored)
                return (stored, false);
            await c.ExecuteAsync("DELETE FROM cc_security_groups", transaction: tx);
            foreach (var g in groups)
                await c.ExecuteAsync("INSERT INTO cc_security_groups (group_id, vpc_id, ingress, egress, version) VALUES (@id, @vpc, @ingress, @egress, @version)",
                    new
                    {
                        id = g.GroupId, vpc = g.VpcId, ingress = JsonSerializer.Serialize(g.Ingress, Json),
                        egress = JsonSerializer.Serialize(g.Egress, Json), version,
                    }, tx);
            await c.ExecuteAsync("UPDATE cc_counters SET value = @version WHERE name = 'security_groups'", new { version }, tx);
            return (version, true);
        }, ct);

    public async Task<IReadOnlyList<SecurityGroupDefinition>> ListAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<(string GroupId, string VpcId, string Ingress, string Egress)>(
            "SELECT group_id, vpc_id, ingress, egress FROM cc_security_groups ORDER BY group_id");
        return [.. rows.Select(r => new SecurityGroupDefinition(r.GroupId, r.VpcId, Rules(r.Ingress), Rules(r.Egress)))];
    }

    /// <summary>The version of the last push taken (0: none yet).</summary>
    public async Task<long> VersionAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>("SELECT value FROM cc_counters WHERE name = 'security_groups'");
    }

    private static IReadOnlyList<SecurityGroupRuleDefinition> Rules(string json) =>
        JsonSerializer.Deserialize<List<SecurityGroupRuleDefinition>>(json, Json) ?? [];
}
