using Dapper;
using Ironbark.Common.Data;

namespace Ironbark.Cc.Store;

/// <summary>The network views' version counter, stored so that it keeps increasing across restarts of the CC.</summary>
public sealed class ViewVersionStore(Database db)
{
    public async Task<long> CurrentAsync(CancellationToken ct = default)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>("SELECT value FROM cc_counters WHERE name = 'network_view'");
    }

    /// <summary>One more than any version before.</summary>
    public Task<long> NextAsync(CancellationToken ct = default) =>
        RacingWrite.RunAsync(db, async (c, tx) =>
        {
            await c.ExecuteAsync("UPDATE cc_counters SET value = value + 1 WHERE name = 'network_view'", transaction: tx);
            return await c.ExecuteScalarAsync<long>("SELECT value FROM cc_counters WHERE name = 'network_view'", transaction: tx);
        }, ct);
}
