using System.Data.Common;
using Dapper;
using Ironbark.Clc.Domain;
using Ironbark.Common.Data;

namespace Ironbark.Clc.Store;

/// <summary>Instances, their security groups and tags. A state changes only by compare-and-set on the stored row.</summary>
public sealed class InstanceStore(Database db)
{
    /// <summary>What describing an instance needs: everything but the launch record, which only launching (and userData) reads.</summary>
    private const string ListedColumns = "instance_id, reservation_id, account_id, image_id, kernel_id, ramdisk_id, instance_type, key_name, zone, " +
                                         "launch_index, client_token, state, state_reason, transition_reason, node_id, disable_api_termination, " +
                                         "shutdown_behavior, launch_ms, terminated_ms, http_tokens, http_put_response_hop_limit, http_endpoint, " +
                                         "metadata_options_state";

    private const string Columns = ListedColumns + ", launch";

    /// <summary>
    /// Stores a reservation's instances in one transaction, unless the account already launched with
    /// this client token: then nothing is written and the earlier reservation's instances come back.
    /// </summary>
    public async Task<IReadOnlyList<Instance>?> TryInsertAsync(IReadOnlyList<Instance> instances, CancellationToken ct)
    {
        var first = instances[0];
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await db.LockAsync(c, tx, "instances:" + first.AccountId);
        if (first.ClientToken is not null)
        {
            var reservation = await c.ExecuteScalarAsync<string?>(
                "SELECT reservation_id FROM instances WHERE account_id = @AccountId AND client_token = @ClientToken AND launch_index = 0", first, tx);
            if (reservation is not null)
                return null;
        }
        var values = string.Join(", ", Columns.Split(", ").Select(c => "@" + ToPascal(c)));
        await c.ExecuteAsync($"INSERT INTO instances ({Columns}) VALUES ({values})", instances, tx);
        await c.ExecuteAsync("INSERT INTO instance_groups (instance_id, group_id, group_name) VALUES (@InstanceId, @GroupId, @GroupName)",
            instances.SelectMany(i => i.Groups.Select(g => new { i.InstanceId, g.GroupId, g.GroupName })), tx);
        foreach (var instance in instances)
            await TagRows.InsertAsync(c, tx, instance.InstanceId, instance.AccountId, instance.Tags);
        await NetworkInterfaceRows.InsertAsync(c, tx, instances.Select(i => i.PrimaryInterface).OfType<ElasticNetworkInterface>());
        await tx.CommitAsync(ct);
        return instances;
    }

    /// <summary>The reservation an account launched with this client token, in launch order, or an empty list.</summary>
    public async Task<IReadOnlyList<Instance>> FindByClientTokenAsync(string accountId, string clientToken, CancellationToken ct)
    {
        List<string> ids;
        await using (var c = await db.OpenAsync(ct))
            ids = (await c.QueryAsync<string>(
                "SELECT instance_id FROM instances WHERE account_id = @accountId AND reservation_id = " +
                "(SELECT reservation_id FROM instances WHERE account_id = @accountId AND client_token = @clientToken AND launch_index = 0)",
                new { accountId, clientToken })).ToList();
        return ids.Count == 0 ? [] : (await ListAsync(accountId, ids, ct)).OrderBy(i => i.LaunchIndex).ToList();
    }

    /// <summary>How many of the account's instances are not terminated yet.</summary>
    public async Task<int> CountLiveAsync(string accountId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM instances WHERE account_id = @accountId AND state <> @terminated",
            new { accountId, terminated = InstanceState.Terminated });
    }

    /// <summary>
    /// The account's instances, or only those of <paramref name="instanceIds"/> among them, with their groups and
    /// tags, without launch records.
    /// </summary>
    public async Task<IReadOnlyList<Instance>> ListAsync(string accountId, IReadOnlyCollection<string>? instanceIds, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var only = instanceIds is null ? "" : " AND " + db.AnyOf("i.instance_id", "@ids");
        var ids = instanceIds?.ToArray();
        var instances = (await c.QueryAsync<Instance>(
            $"SELECT {Prefixed("i.", ListedColumns)} FROM instances i WHERE i.account_id = @accountId{only}", new { accountId, ids })).ToList();
        var groups = (await c.QueryAsync<(string InstanceId, string GroupId, string GroupName)>(
                "SELECT g.instance_id, g.group_id, g.group_name FROM instance_groups g JOIN instances i ON i.instance_id = g.instance_id " +
                $"WHERE i.account_id = @accountId{only}", new { accountId, ids }))
            .ToLookup(g => g.InstanceId, g => new GroupRef(g.GroupId, g.GroupName));
        var tags = instanceIds is null ? await TagRows.ForAccountAsync(c, accountId) : await TagRows.ForResourcesAsync(c, db, ids!);
        var interfaces = (await NetworkInterfaceRows.ListAsync(c, db, accountId, ids, tags)).Where(n => n.InstanceId is not null).ToDictionary(n => n.InstanceId!);
        foreach (var instance in instances)
        {
            instance.Groups = groups[instance.InstanceId].OrderBy(g => g.GroupId, StringComparer.Ordinal).ToList();
            instance.Tags = tags[instance.InstanceId].ToList();
            instance.PrimaryInterface = interfaces.GetValueOrDefault(instance.InstanceId);
        }
        return instances;
    }

    /// <summary>The instances not yet terminated, of every account, without launch records (what the reconcile loop compares with the clusters).</summary>
    public async Task<IReadOnlyList<Instance>> ListLiveAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Instance>($"SELECT {ListedColumns} FROM instances WHERE state <> @terminated",
            new { terminated = InstanceState.Terminated })).ToList();
    }

    /// <summary>The instance with this id, of any account, with its launch record; or null.</summary>
    public async Task<Instance?> FindAsync(string instanceId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Instance>($"SELECT {Columns} FROM instances WHERE instance_id = @instanceId", new { instanceId });
    }

    /// <summary>
    /// Compare-and-set of the state: moves the instance to <paramref name="to"/> only if it is in one of
    /// <paramref name="from"/> now. Returns the state it was in when it moved, or null when it did not.
    /// </summary>
    public async Task<string?> TryMoveAsync(string instanceId, IReadOnlyCollection<string> from, string to, InstanceChange change, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var before = await c.ExecuteScalarAsync<string?>("SELECT state FROM instances WHERE instance_id = @instanceId", new { instanceId }, tx);
        if (before is null || !from.Contains(before))
            return null;
        var moved = await c.ExecuteAsync(
            "UPDATE instances SET state = @to, state_reason = COALESCE(@StateReason, state_reason), " +
            "transition_reason = COALESCE(@TransitionReason, transition_reason), node_id = COALESCE(@NodeId, node_id), " +
            "terminated_ms = COALESCE(@TerminatedMs, terminated_ms) WHERE instance_id = @instanceId AND state = @before",
            new { instanceId, to, before, change.StateReason, change.TransitionReason, change.NodeId, change.TerminatedMs }, tx);
        if (moved == 1 && to == InstanceState.Terminated)
            await NetworkInterfaceRows.ReleaseForInstanceAsync(c, tx, db, instanceId);
        await tx.CommitAsync(ct);
        return moved == 1 ? before : null;
    }

    /// <summary>Records the node an instance runs on, whatever its state.</summary>
    public async Task SetNodeAsync(string instanceId, string nodeId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync("UPDATE instances SET node_id = @nodeId WHERE instance_id = @instanceId", new { instanceId, nodeId }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Writes the attributes ModifyInstanceAttribute changes; false when the instance is gone.</summary>
    public async Task<bool> UpdateAttributesAsync(Instance instance, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var changed = await c.ExecuteAsync(
            "UPDATE instances SET disable_api_termination = @DisableApiTermination, shutdown_behavior = @ShutdownBehavior, " +
            "instance_type = @InstanceType WHERE instance_id = @InstanceId AND account_id = @AccountId", instance, tx);
        if (changed == 0)
            return false;
        await c.ExecuteAsync("DELETE FROM instance_groups WHERE instance_id = @InstanceId", instance, tx);
        await c.ExecuteAsync("INSERT INTO instance_groups (instance_id, group_id, group_name) VALUES (@InstanceId, @GroupId, @GroupName)",
            instance.Groups.Select(g => new { instance.InstanceId, g.GroupId, g.GroupName }), tx);
        await NetworkInterfaceRows.SetInstanceGroupsAsync(c, tx, instance.InstanceId, instance.Groups);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// Stores new metadata options of a running instance as pending (until its node enforces them); false when the
    /// instance is not the account's or not running (compare-and-set on the state).
    /// </summary>
    public async Task<bool> UpdateMetadataOptionsAsync(string instanceId, string accountId, InstanceMetadataOptions options, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        var changed = await c.ExecuteAsync(
            "UPDATE instances SET http_tokens = @HttpTokens, http_put_response_hop_limit = @HttpPutResponseHopLimit, http_endpoint = @HttpEndpoint, " +
            "metadata_options_state = @pending WHERE instance_id = @instanceId AND account_id = @accountId AND state = @running",
            new { options.HttpTokens, options.HttpPutResponseHopLimit, options.HttpEndpoint, pending = InstanceMetadataOptions.StatePending,
                instanceId, accountId, running = InstanceState.Running }, tx);
        await tx.CommitAsync(ct);
        return changed == 1;
    }

    /// <summary>Marks the metadata options applied if they still are <paramref name="options"/> (a newer change stays pending).</summary>
    public async Task MarkMetadataOptionsAppliedAsync(string instanceId, InstanceMetadataOptions options, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await using var tx = await db.BeginWriteAsync(c, ct);
        await c.ExecuteAsync(
            "UPDATE instances SET metadata_options_state = @applied WHERE instance_id = @instanceId AND metadata_options_state = @pending AND " +
            "http_tokens = @HttpTokens AND http_put_response_hop_limit = @HttpPutResponseHopLimit AND http_endpoint = @HttpEndpoint",
            new { applied = InstanceMetadataOptions.StateApplied, pending = InstanceMetadataOptions.StatePending, instanceId,
                options.HttpTokens, options.HttpPutResponseHopLimit, options.HttpEndpoint }, tx);
        await tx.CommitAsync(ct);
    }

    /// <summary>Whether a live instance is in the group (a group in use cannot be deleted).</summary>
    public static async Task<bool> GroupInUseAsync(DbConnection c, DbTransaction tx, string groupId) =>
        await c.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM instance_groups g JOIN instances i ON i.instance_id = g.instance_id WHERE g.group_id = @groupId AND i.state <> @terminated",
            new { groupId, terminated = InstanceState.Terminated }, tx) > 0;

    private static string Prefixed(string prefix, string columns) => string.Join(", ", columns.Split(", ").Select(c => prefix + c));

    private static string ToPascal(string column) =>
        string.Concat(column.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
