using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>The outcome of deleting a security group.</summary>
public enum GroupDeletion { Deleted, NotFound, Referenced }

/// <summary>Security groups, their rules and tags. Writes of one account are serialised.</summary>
public sealed class SecurityGroupStore(Database db)
{
    private const string GroupColumns = "group_id, account_id, group_name, description, created_ms, vpc_id";
    private const string RuleColumns =
        "rule_id, group_id, is_egress, ip_protocol, from_port, to_port, cidr_ipv4, referenced_group_id, referenced_user_id, description, seq, cidr_ipv6";

    /// <summary>Inserts the group with its rules and tags unless its account has a group of that name; false when it has.</summary>
    public async Task<bool> TryInsertAsync(SecurityGroup group, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await BeginAccountWriteAsync(c, group.AccountId, ct);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE account_id = @AccountId AND group_name = @GroupName", group, tx) > 0)
            return false;
        await InsertAsync(c, tx, group);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Inserts the group with its rules and tags inside the caller's transaction (which holds the account's lock).</summary>
    internal static async Task InsertAsync(DbConnection c, DbTransaction tx, SecurityGroup group)
    {
        await c.ExecuteAsync($"INSERT INTO security_groups ({GroupColumns}) VALUES (@GroupId, @AccountId, @GroupName, @Description, @CreatedMs, @VpcId)", group, tx);
        await InsertRulesAsync(c, tx, group.GroupId, group.Rules);
        await TagRows.InsertAsync(c, tx, group.GroupId, group.AccountId, group.Tags);
    }

    /// <summary>Every group of the account, with rules (in the order they were added) and tags.</summary>
    public async Task<IReadOnlyList<SecurityGroup>> ListAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var groups = (await c.QueryAsync<SecurityGroup>(
            $"SELECT {GroupColumns} FROM security_groups WHERE account_id = @accountId ORDER BY group_name", new { accountId })).ToList();
        var rules = (await c.QueryAsync<SecurityGroupRule>(
            $"SELECT {Prefixed("r.", RuleColumns)} FROM security_group_rules r JOIN security_groups g ON g.group_id = r.group_id WHERE g.account_id = @accountId ORDER BY r.seq",
            new { accountId })).ToLookup(r => r.GroupId);
        var tags = await TagRows.ForAccountAsync(c, accountId);
        foreach (var group in groups)
        {
            group.Rules = rules[group.GroupId].ToList();
            group.Tags = tags[group.GroupId].ToList();
        }
        return groups;
    }

    /// <summary>Every group of every account with its rules (no tags): what the clusters enforce.</summary>
    public async Task<IReadOnlyList<SecurityGroup>> ListAllAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var groups = (await c.QueryAsync<SecurityGroup>($"SELECT {GroupColumns} FROM security_groups ORDER BY group_id")).ToList();
        var rules = (await c.QueryAsync<SecurityGroupRule>($"SELECT {RuleColumns} FROM security_group_rules ORDER BY seq")).ToLookup(r => r.GroupId);
        foreach (var group in groups)
            group.Rules = rules[group.GroupId].ToList();
        return groups;
    }

    /// <summary>Deletes a group no other group's rule refers to and no live instance is in.</summary>
    public async Task<GroupDeletion> DeleteAsync(string accountId, string groupId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await BeginAccountWriteAsync(c, accountId, ct);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE group_id = @groupId AND account_id = @accountId", new { groupId, accountId }, tx) == 0)
            return GroupDeletion.NotFound;
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_group_rules WHERE referenced_group_id = @groupId AND group_id <> @groupId", new { groupId }, tx) > 0
            || await InstanceStore.GroupInUseAsync(c, tx, groupId))
            return GroupDeletion.Referenced;
        await c.ExecuteAsync("DELETE FROM security_group_rules WHERE group_id = @groupId", new { groupId }, tx);
        await c.ExecuteAsync("DELETE FROM security_groups WHERE group_id = @groupId", new { groupId }, tx);
        await TagRows.DeleteAsync(c, tx, groupId);
        await tx.CommitAsync(ct);
        return GroupDeletion.Deleted;
    }

    /// <summary>
    /// Reads the group's rules and applies what <paramref name="plan"/> decides from them (rules to add,
    /// rule ids to remove) in one transaction; the plan throws to refuse. False when the group is gone.
    /// </summary>
    public async Task<bool> ChangeRulesAsync(string accountId, string groupId,
        Func<IReadOnlyList<SecurityGroupRule>, (IReadOnlyList<SecurityGroupRule> Add, IReadOnlyList<string> Remove)> plan, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await BeginAccountWriteAsync(c, accountId, ct);
        if (await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM security_groups WHERE group_id = @groupId AND account_id = @accountId", new { groupId, accountId }, tx) == 0)
            return false;
        var current = (await c.QueryAsync<SecurityGroupRule>($"SELECT {RuleColumns} FROM security_group_rules WHERE group_id = @groupId ORDER BY seq", new { groupId }, tx)).ToList();
        var (add, remove) = plan(current);
        await c.ExecuteAsync("DELETE FROM security_group_rules WHERE rule_id = @id", remove.Select(id => new { id }), tx);
        await InsertRulesAsync(c, tx, groupId, add);
        await tx.CommitAsync(ct);
        return true;
    }

    private async Task<DbTransaction> BeginAccountWriteAsync(DbConnection c, string accountId, CancellationToken ct)
    {
        var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "security-groups:" + accountId);
        return tx;
    }

    private static async Task InsertRulesAsync(DbConnection c, DbTransaction tx, string groupId, IReadOnlyList<SecurityGroupRule> rules)
    {
        if (rules.Count == 0)
            return;
        var seq = await c.ExecuteScalarAsync<long>("SELECT COALESCE(MAX(seq), 0) FROM security_group_rules WHERE group_id = @groupId", new { groupId }, tx);
        await c.ExecuteAsync(
            $"INSERT INTO security_group_rules ({RuleColumns}) VALUES (@RuleId, @GroupId, @IsEgress, @IpProtocol, @FromPort, @ToPort, @CidrIpv4, @ReferencedGroupId, @ReferencedUserId, @Description, @Seq, @CidrIpv6)",
            rules.Select((r, i) => new
            {
                r.RuleId, GroupId = groupId, r.IsEgress, r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4, r.ReferencedGroupId, r.ReferencedUserId,
                r.Description, Seq = seq + i + 1, r.CidrIpv6,
            }), tx);
    }

    private static string Prefixed(string prefix, string columns) => string.Join(", ", columns.Split(", ").Select(c => prefix + c));
}
